/**
 * The registry's review page in a real browser against the whole platform: a registrar requests
 * a correction from the person page, another officer (a supervisor) compares it with the current
 * record and approves it; a birth held as a probable duplicate is confirmed distinct and gets its
 * ID number; each request names its officer ("Display name (username)"); a supervisor who
 * requested a correction is told the four-eyes rule; a 360 px phone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { activeName, DESKTOP, hasNoHorizontalScroll, launchBrowser, PHONE, screenshot, signedIn as openSignedIn, vnDay } from '../harness/browser.ts';
import { startTestServer } from '../harness/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
type Officer = { username: string; password: string; displayName: string; roles: string[]; provinceCode: string };

const AN: Officer = { username: 'nguyen.van.an', password: 'Hoa-sen-trang-2025!', displayName: 'Nguyễn Văn An', roles: ['registrar'], provinceCode: '01' };
const HA: Officer = { username: 'le.thu.ha', password: 'Mai-vang-no-2025!', displayName: 'Lê Thu Hà', roles: ['supervisor'], provinceCode: '01' };
const BOTH: Officer = { username: 'pham.quoc.bao', password: 'Dao-hong-tet-2025!', displayName: 'Phạm Quốc Bảo', roles: ['registrar', 'supervisor'], provinceCode: '01' };
/** The end of a queue item's "Đề nghị lúc …, bởi …" line: the officer as "Display name (username)". */
const requestedBy = (o: Officer) => new RegExp(`, bởi ${o.displayName} \\(${o.username.replaceAll('.', '\\.')}\\)$`);
const LEGAL_BASIS = 'Luật Hộ tịch 2014, Điều 16';


let server: TestServer;
let browser: Browser;

before(async () => {
  server = await startTestServer();
  for (const o of [AN, HA, BOTH]) await server.createOfficer(o);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});


function signedIn(who: Officer, opts: { viewport?: { width: number; height: number }; at?: string; expectedFailures?: RegExp } = {}) {
  return openSignedIn(browser, server.baseUrl, who, opts);
}



async function birth(page: Page, p: { fullName: string; sex: 'male' | 'female'; birthDate: string }): Promise<{ status: number; body: any }> {
  const res = await page.request.post(`${server.baseUrl}/api/v1/registry/births`, {
    data: { legalBasis: LEGAL_BASIS, fullName: p.fullName, sex: p.sex, birthDate: p.birthDate, birthRegistration: { provinceCode: '01', communeCode: '00004' } },
  });
  return { status: res.status(), body: await res.json() };
}

async function openRecord(page: Page, idNumber: string, name: string) {
  await page.goto(`${server.baseUrl}/registry/people/${idNumber}`);
  const form = page.getByTestId('purpose-form');
  await form.getByLabel('Mục đích').selectOption('verify');
  await form.getByRole('button', { name: 'Xem hồ sơ' }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

describe('awaiting review (browser)', () => {
  test('a registrar requests a name correction; another officer, a supervisor, approves it and the person page shows the new name', async () => {
    const oldName = 'Hoàng Văn Nam';
    const newName = 'Hoàng Văn Nam Anh';
    const registrar = await signedIn(AN);
    const r = await birth(registrar.page, { fullName: oldName, sex: 'male', birthDate: vnDay(-40) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const idNumber: string = r.body.idNumber;

    // The registrar's request, from the person page.
    let page = registrar.page;
    await openRecord(page, idNumber, oldName);
    await page.getByRole('button', { name: 'Đề nghị điều chỉnh' }).click();
    const form = page.getByTestId('correction-form');
    await form.getByRole('button', { name: 'Gửi đề nghị' }).click();
    await page.getByTestId('correction-errors').getByText('Có 2 thông tin cần sửa').waitFor();
    await form.locator('.field').filter({ has: page.getByLabel('Lý do điều chỉnh') }).getByText('Nêu lý do điều chỉnh.').waitFor();
    assert.equal(await activeName(page), 'reason', 'focus on the first field to fix');
    await form.getByLabel('Họ, chữ đệm và tên mới').fill(newName);
    await form.getByLabel('Lý do điều chỉnh').fill('Sai tên đệm khi đăng ký khai sinh');
    await form.getByLabel('Căn cứ pháp lý').fill('Luật Hộ tịch 2014, Điều 26');
    await form.getByRole('button', { name: 'Gửi đề nghị' }).click();
    await page.getByTestId('correction-sent').getByText(/Đã gửi đề nghị điều chỉnh số \d+/).waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), oldName, 'nothing changes before the approval');

    // The registrar sees the request in the queue, read-only.
    await page.getByRole('navigation', { name: 'Dân cư' }).getByRole('link', { name: 'Hồ sơ chờ duyệt' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ chờ duyệt' }).waitFor();
    const mine = page.getByTestId('correction-item').filter({ hasText: idNumber });
    await mine.waitFor();
    await page.getByText('Bạn chỉ xem được danh sách.', { exact: false }).waitFor();
    assert.equal(await mine.getByRole('button', { name: 'Phê duyệt' }).count(), 0, 'a registrar cannot decide');
    await registrar.close();

    // The supervisor compares with the current record (a read with a purpose) and approves.
    const supervisor = await signedIn(HA);
    page = supervisor.page;
    await page.getByRole('navigation', { name: 'Phân hệ' }).getByRole('link', { name: 'Dân cư' }).click();
    await page.getByRole('navigation', { name: 'Dân cư' }).getByRole('link', { name: 'Hồ sơ chờ duyệt' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ chờ duyệt' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
    const item = page.getByTestId('correction-item').filter({ hasText: idNumber });
    await item.waitFor();
    assert.equal(await item.getByTestId('requested-fullName').textContent(), newName);
    // Who asked, by name: "Display name (username)".
    await item.getByTestId('review-requested').getByText(requestedBy(AN)).waitFor();
    assert.equal(await item.getByTestId('current-fullName').textContent(), 'Chưa xem');
    await item.getByRole('button', { name: 'Xem giá trị hiện tại' }).click();
    await item.getByTestId('purpose-form').getByLabel('Mục đích').selectOption('verify');
    await item.getByTestId('purpose-form').getByRole('button', { name: 'Xem hồ sơ' }).click();
    await item.getByTestId('current-fullName').getByText(oldName).waitFor();
    assert.match((await item.textContent()) ?? '', /Xác minh, điều chỉnh thông tin công dân/, 'the stated purpose is shown');
    await screenshot(page, 'review-correction');
    await page.setViewportSize(PHONE);
    assert.ok(await hasNoHorizontalScroll(page), 'review page with a correction fits 360 px');
    await screenshot(page, 'review-correction-phone');
    await page.setViewportSize(DESKTOP);

    await item.getByLabel(/Ghi chú/).fill('Đã đối chiếu giấy khai sinh');
    await item.getByRole('button', { name: 'Phê duyệt' }).click();
    const result = page.getByTestId('review-result');
    await result.getByText(/Đã phê duyệt yêu cầu số \d+/).waitFor();
    assert.equal(await page.getByTestId('correction-item').filter({ hasText: idNumber }).count(), 0, 'the decided request leaves the queue');
    await result.getByRole('link', { name: idNumber }).click();
    await page.getByTestId('purpose-form').getByRole('button', { name: 'Xem hồ sơ' }).click();
    await page.getByRole('heading', { level: 1, name: newName }).waitFor();
    assert.equal(await page.getByTestId('record-fullName').textContent(), newName);
    await supervisor.close();
  });

  test('a birth held as a probable duplicate appears in the queue beside the existing person; the supervisor confirms it distinct and a new ID number is assigned', async () => {
    const name = 'Vũ Minh Khôi';
    const birthDate = vnDay(-15);
    const registrar = await signedIn(AN);
    const first = await birth(registrar.page, { fullName: name, sex: 'male', birthDate });
    assert.equal(first.status, 201);
    const held = await birth(registrar.page, { fullName: name, sex: 'male', birthDate });
    assert.equal(held.status, 202, JSON.stringify(held.body));
    await registrar.close();

    const { page, close } = await signedIn(HA, { at: '/registry/review' });
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ chờ duyệt' }).waitFor();
    const item = page.getByTestId('duplicate-item').filter({ has: page.getByRole('heading', { name: `Hồ sơ số ${held.body.reviewId}` }) });
    await item.waitFor();
    // Side by side from the queue's own summaries: the same facts in the same order in both columns.
    const facts = new RegExp(`${name}.*Nam.*${birthDate.split('-').reverse().join('/')}.*Phường Ba Đình, Thành phố Hà Nội`);
    assert.match((await item.getByTestId('duplicate-held').textContent()) ?? '', facts);
    const candidate = item.getByTestId('duplicate-candidate');
    await candidate.getByRole('link', { name }).waitFor();
    assert.match((await candidate.textContent()) ?? '', new RegExp(`${first.body.idNumber}.*${facts.source}.*Còn sống`));
    await item.getByTestId('review-requested').getByText(requestedBy(AN)).waitFor();
    await screenshot(page, 'review-queue');
    await page.setViewportSize(PHONE);
    assert.ok(await hasNoHorizontalScroll(page), 'the queue fits 360 px');
    await screenshot(page, 'review-queue-phone');
    await page.setViewportSize(DESKTOP);

    await item.getByLabel(/Ghi chú/).fill('Hai trẻ khác nhau, khác cha mẹ');
    await item.getByRole('button', { name: 'Xác nhận là người khác' }).click();
    const result = page.getByTestId('review-result');
    await result.getByText(/đã được xác nhận là người khác/).waitFor();
    const newId = (await result.getByRole('link').textContent()) ?? '';
    assert.match(newId, /^\d{12}$/);
    assert.notEqual(newId, first.body.idNumber);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'review-result', 'focus moves to the outcome');
    assert.equal(await page.getByTestId('duplicate-item').filter({ has: page.getByRole('heading', { name: `Hồ sơ số ${held.body.reviewId}` }) }).count(), 0);
    await close();
  });

  test('the correction queue pages on the server and can show the newest requests first', async () => {
    const reg = await signedIn(AN);
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) {
      const r = await birth(reg.page, { fullName: `Hà Thị Trang ${String.fromCharCode(65 + i)}`, sex: 'female', birthDate: vnDay(-30 - i) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const c = await reg.page.request.post(`${server.baseUrl}/api/v1/registry/people/${r.body.idNumber}/corrections`, { data: { legalBasis: 'Luật Hộ tịch 2014, Điều 26', reason: 'Sai chính tả', changes: { fullName: `Hà Thị Trang ${String.fromCharCode(97 + i)}` } } });
      assert.equal(c.status(), 202, await c.text());
      ids.push(r.body.idNumber);
    }
    await reg.close();
    const { page, close } = await signedIn(HA);
    await page.goto(`${server.baseUrl}/registry/review`);
    const queue = page.getByTestId('correction-queue');
    await queue.getByTestId('corr-status').getByText('Đang hiển thị 1–20.').waitFor();
    assert.equal(await queue.getByTestId('correction-item').count(), 20);
    // Oldest first: the newest request is not on the first page.
    assert.equal(await queue.getByTestId('correction-item').filter({ hasText: ids[20]! }).count(), 0);
    await queue.getByRole('button', { name: 'Trang sau' }).click();
    await queue.getByTestId('corr-status').getByText(/^Đang hiển thị 21–/).waitFor();
    await queue.getByRole('button', { name: 'Trang trước' }).click();
    await queue.getByTestId('corr-status').getByText('Đang hiển thị 1–20.').waitFor();
    // Newest first, chosen with the keyboard: the last request leads the first page.
    await queue.getByLabel('Thứ tự').focus();
    await queue.getByLabel('Thứ tự').selectOption('desc');
    await queue.getByTestId('correction-item').first().filter({ hasText: ids[20]! }).waitFor();
    await screenshot(page, 'review-corrections-newest-first');
    await close();
  });

  test('a supervisor who requested a correction is told the four-eyes rule, in the server’s words', async () => {
    const { page, close } = await signedIn(BOTH, { expectedFailures: /status of 403/ });
    const r = await birth(page, { fullName: 'Đinh Thị Lụa', sex: 'female', birthDate: vnDay(-60) });
    assert.equal(r.status, 201);
    const c = await page.request.post(`${server.baseUrl}/api/v1/registry/people/${r.body.idNumber}/corrections`, { data: { legalBasis: 'Luật Hộ tịch 2014, Điều 26', reason: 'Sai chính tả', changes: { fullName: 'Đinh Thị Lụa Anh' } } });
    assert.equal(c.status(), 202, await c.text());
    await page.goto(`${server.baseUrl}/registry/review`);
    // Newest first: earlier tests leave more than a page of requests.
    await page.getByTestId('correction-queue').getByLabel('Thứ tự').selectOption('desc');
    const item = page.getByTestId('correction-item').filter({ hasText: r.body.idNumber });
    await item.getByTestId('correction-self').waitFor();
    await item.getByRole('button', { name: 'Phê duyệt' }).click();
    const err = item.getByTestId('correction-error');
    await err.getByText('Không thể tự phê duyệt').waitFor();
    await err.getByText('Người đề nghị điều chỉnh không được tự phê duyệt.').waitFor();
    assert.equal(await item.getByRole('button', { name: 'Phê duyệt' }).isEnabled(), true);

    // In English, the same page.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Awaiting review' }).waitFor();
    await item.getByRole('button', { name: 'Approve' }).waitFor();
    await close();
  });
});
