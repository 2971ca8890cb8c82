/**
 * The audit page shows where the last checkpoint's signed receipt was pushed (AUDIT_RECEIPT_PUSH_URLS):
 * one keeper that accepts it, one that keeps answering 503. Real HTTP receivers on loopback, the
 * platform's own pusher, a real browser.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, PHONE, hasNoHorizontalScroll, screenshot, signedIn } from '../harness/browser.ts';
import { startTestServer } from '../harness/server.ts';
import { loopbackKeeper } from '../harness/keeper.ts';

const MAI = { username: 'do.thi.mai', password: 'Sen-hong-no-2025!', displayName: 'Đỗ Thị Mai', roles: ['auditor'], provinceCode: null };

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let keeper: Awaited<ReturnType<typeof loopbackKeeper>>;
let keeperUrl = '';
let downUrl = '';

before(async () => {
  keeper = await loopbackKeeper({ '/receipts': [204], '/down': [503] });
  keeperUrl = `${keeper.base}/receipts`;
  downUrl = `${keeper.base}/down`;
  server = await startTestServer({ config: { AUDIT_RECEIPT_PUSH_URLS: `${keeperUrl},${downUrl}` } });
  await server.createOfficer(MAI);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await keeper?.close();
});

test('the audit page lists each keeper of the last receipt: sent to one, still waiting for the other', async () => {
  const { page, close } = await signedIn(browser, server.baseUrl, MAI, { at: '/audit' });
  // The auditor's walk records a checkpoint; the platform pushes its receipt to both keepers.
  await page.getByRole('button', { name: 'Kiểm tra phần mới' }).click();
  await page.getByTestId('audit-verify-result').getByText(/nguyên vẹn/i).first().waitFor();
  // Both first attempts answered (the platform's pusher looks every 5 s).
  let seen: unknown = null;
  for (let i = 0; ; i++) {
    const { pushes } = await (await page.request.get(`${server.baseUrl}/api/v1/audit/checkpoint`)).json() as { pushes: Array<{ url: string; status: string; lastStatus: number | null }> };
    seen = pushes;
    // Both answers recorded (an attempt is counted when it is claimed, its status when it is answered).
    if (pushes.some((x) => x.url === keeperUrl && x.status === 'sent') && pushes.some((x) => x.url === downUrl && x.lastStatus === 503)) break;
    assert.ok(i < 300, `the pushes were not attempted within 30 s: ${JSON.stringify(pushes)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const received = keeper.received.filter((r) => r.path === '/receipts');
  assert.equal(received.length, 1, JSON.stringify(seen));
  assert.match(received[0]!.body.receipt, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  await page.reload();
  const pushes = page.getByTestId('audit-checkpoint-pushes');
  await pushes.locator(`[data-testid="audit-push"][data-status="sent"]`).getByText(keeperUrl).waitFor();
  assert.equal(await pushes.locator('[data-status="sent"]').textContent(), `${keeperUrl}: đã gửi`);
  assert.equal(await pushes.locator('[data-status="pending"]').textContent(), `${downUrl}: đang chờ gửi (đã thử 1 lần)`);
  await screenshot(page, 'audit-receipt-pushes');
  await close();

  const phone = await signedIn(browser, server.baseUrl, MAI, { at: '/audit', viewport: PHONE });
  await phone.page.getByTestId('audit-checkpoint-pushes').getByText(`${downUrl}: đang chờ gửi (đã thử 1 lần)`).waitFor();
  assert.ok(await hasNoHorizontalScroll(phone.page), 'the keepers fit 360 px');
  await phone.close();
});
