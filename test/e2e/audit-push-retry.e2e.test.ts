/**
 * A receipt push that failed, on the audit page: its last error for everyone, "Gửi lại" for an
 * admin only. The platform's own pusher with small settings (createPlatform's `receiptPush`, for
 * tests), so that a keeper answering 503 is given up within a second; a real receiver on loopback,
 * a real browser.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, PHONE, hasNoHorizontalScroll, screenshot, signedIn } from '../harness/browser.ts';
import { startTestServer } from '../harness/server.ts';
import { loopbackKeeper } from '../harness/keeper.ts';

const MAI = { username: 'do.thi.mai', password: 'Sen-hong-no-2025!', displayName: 'Đỗ Thị Mai', roles: ['auditor'], provinceCode: null };
const HUNG = { username: 'tran.van.hung', password: 'Lua-chin-vang-2025!', displayName: 'Trần Văn Hùng', roles: ['admin'], provinceCode: null };

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let keeper: Awaited<ReturnType<typeof loopbackKeeper>>;
let keeperUrl = '';

before(async () => {
  keeper = await loopbackKeeper({ '/receipts': [503] });
  keeperUrl = `${keeper.base}/receipts`;
  server = await startTestServer({ config: { AUDIT_RECEIPT_PUSH_URLS: keeperUrl }, receiptPush: { intervalMs: 200, baseDelayMs: 100, maxAttempts: 2 } });
  await server.createOfficer(MAI);
  await server.createOfficer(HUNG);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await keeper?.close();
});

async function pushStatus(page: Page): Promise<string> {
  const { pushes } = await (await page.request.get(`${server.baseUrl}/api/v1/audit/checkpoint`)).json() as { pushes: Array<{ status: string }> };
  return pushes[0]?.status ?? 'none';
}

async function waitForStatus(page: Page, status: string): Promise<void> {
  for (let i = 0; ; i++) {
    const now = await pushStatus(page);
    if (now === status) return;
    assert.ok(i < 200, `the push did not become ${status} within 20 s (still ${now})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a failed push shows its last error; an admin sends it again from the keyboard and the row is pending; a stale page shows the refusal next to the row; an auditor has no button', async () => {
  const auditor = await signedIn(browser, server.baseUrl, MAI, { at: '/audit' });
  await auditor.page.getByRole('button', { name: 'Kiểm tra phần mới' }).click();
  await auditor.page.getByTestId('audit-verify-result').getByText(/nguyên vẹn/i).first().waitFor();
  await waitForStatus(auditor.page, 'failed');
  assert.equal(keeper.received.length, 2, 'two attempts, then given up');

  await auditor.page.reload();
  const failedRow = auditor.page.locator('[data-testid="audit-push"][data-status="failed"]');
  await failedRow.waitFor();
  assert.equal(await failedRow.getByTestId('audit-push-state').textContent(), `${keeperUrl}: không gửi được sau 2 lần thử (mã 503)`);
  assert.equal(await failedRow.getByTestId('audit-push-error').textContent(), 'Lỗi lần cuối: HTTP 503');
  assert.equal(await auditor.page.getByRole('button', { name: 'Gửi lại' }).count(), 0, 'an auditor reads, an admin operates');
  await screenshot(auditor.page, 'audit-push-failed-auditor');
  await auditor.close();

  // Two admin pages show the failed push; the phone one will be stale.
  const admin = await signedIn(browser, server.baseUrl, HUNG, { at: '/audit' });
  const phone = await signedIn(browser, server.baseUrl, HUNG, { at: '/audit', viewport: PHONE, expectedFailures: /status of 409/ });
  const resend = admin.page.getByTestId('audit-checkpoint-pushes').getByRole('button', { name: 'Gửi lại' });
  await resend.waitFor();
  await phone.page.getByRole('button', { name: 'Gửi lại' }).waitFor();
  assert.ok(await hasNoHorizontalScroll(phone.page), 'the failed push and its button fit 360 px');
  await screenshot(admin.page, 'audit-push-failed-admin');

  keeper.scripts['/receipts'] = [204];
  await resend.focus();
  await admin.page.keyboard.press('Enter');
  const row = admin.page.getByTestId('audit-push');
  await row.and(admin.page.locator('[data-status="pending"]')).waitFor();
  assert.equal(await row.getByTestId('audit-push-state').textContent(), `${keeperUrl}: đang chờ gửi`);
  assert.equal(await row.getByTestId('audit-push-message').textContent(), 'Đã yêu cầu gửi lại; hệ thống sẽ gửi trong vài giây.');
  assert.equal(await resend.count(), 0, 'no button on a pending push');
  assert.equal(await admin.page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'audit-push-state', 'the keyboard stays on the row');
  await screenshot(admin.page, 'audit-push-resent');

  // The platform's pusher sends it within its interval; the keeper now accepts.
  await waitForStatus(admin.page, 'sent');
  assert.equal(keeper.received.length, 3);
  await admin.close();

  await phone.page.getByRole('button', { name: 'Gửi lại' }).click();
  const refusal = phone.page.getByTestId('audit-push-message');
  await refusal.getByText(/chỉ gửi lại được lượt đã gửi không thành công/).waitFor();
  assert.match(await refusal.textContent() ?? '', /trạng thái “đã gửi”/);
  assert.equal(await phone.page.locator('[data-testid="audit-push"][data-status="failed"]').count(), 1, 'the row keeps what the page knew, with the reason next to it');
  assert.ok(await hasNoHorizontalScroll(phone.page), 'the refusal fits 360 px');
  await screenshot(phone.page, 'audit-push-refused-phone');
  await phone.close();
});
