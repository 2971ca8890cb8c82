/**
 * The audit module in a real browser against the whole platform: an auditor verifies the hash
 * chain, searches the log by a person's ID number and sees the reads and events of that person,
 * pages with "load more", in English too, and on a 360 px phone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DESKTOP, hasNoHorizontalScroll, launchBrowser, PHONE, screenshot, signedIn as openSignedIn } from '../harness/browser.ts';
import { startTestServer } from '../harness/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
type Officer = { username: string; password: string; displayName: string; roles: string[]; provinceCode: string | null };

const AN: Officer = { username: 'nguyen.van.an', password: 'Hoa-sen-trang-2025!', displayName: 'Nguyễn Văn An', roles: ['registrar'], provinceCode: '01' };
const MAI: Officer = { username: 'do.thi.mai', password: 'Sen-hong-no-2025!', displayName: 'Đỗ Thị Mai', roles: ['auditor'], provinceCode: null };
const ROOT: Officer = { username: 'quan.tri', password: 'Quan-tri-vien-2025!', displayName: 'Quản Trị', roles: ['admin'], provinceCode: null };


let server: TestServer;
let browser: Browser;

before(async () => {
  server = await startTestServer();
  for (const o of [AN, MAI, ROOT]) await server.createOfficer(o);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function signedIn(who: Officer, opts: { viewport?: { width: number; height: number }; at?: string; expectedFailures?: RegExp } = {}) {
  return openSignedIn(browser, server.baseUrl, who, opts);
}


describe('audit log (browser)', () => {
  let idNumber = '';
  let busyId = '';

  before(async () => {
    // A registrar registers two births; reads one a few times and the other many times (each read is audited).
    const { page, close } = await signedIn(AN);
    const born = async (fullName: string) => {
      const res = await page.request.post(`${server.baseUrl}/api/v1/registry/births`, {
        data: { legalBasis: 'Luật Hộ tịch 2014, Điều 16', fullName, sex: 'female', birthDate: '2026-10-01', birthRegistration: { provinceCode: '01', communeCode: '00004' } },
      });
      assert.equal(res.status(), 201, await res.text());
      return (await res.json()).idNumber as string;
    };
    const read = async (id: string, purpose: string) => {
      const res = await page.request.get(`${server.baseUrl}/api/v1/registry/people/${id}?purpose=${encodeURIComponent(purpose)}`);
      assert.equal(res.status(), 200);
    };
    idNumber = await born('Trịnh Gia Hân');
    busyId = await born('Trịnh Gia Huy');
    await read(idNumber, 'Đăng ký khai sinh');
    await read(idNumber, 'Giải quyết thủ tục hành chính — hồ sơ 12/2026');
    assert.equal((await page.request.get(`${server.baseUrl}/api/v1/registry/people/${idNumber}/history`)).status(), 200);
    for (let i = 0; i < 55; i++) await read(busyId, `Giải quyết thủ tục hành chính — hồ sơ ${i}`);
    await close();
  });

  test('an auditor verifies the chain, searches by the person’s ID number and sees the reads and events, with load more', async () => {
    const { page, close } = await signedIn(MAI);
    await page.getByRole('navigation', { name: 'Phân hệ' }).getByRole('link', { name: 'Nhật ký truy cập' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nhật ký truy cập' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');

    await page.getByRole('button', { name: 'Kiểm tra chuỗi nhật ký' }).click();
    await page.getByTestId('audit-verify-status').getByText('Chuỗi nhật ký nguyên vẹn').waitFor();
    const entries = Number(((await page.getByTestId('audit-verify-entries').textContent()) ?? '').replace(/\D/g, ''));
    assert.ok(entries >= 60, `entries counted: ${entries}`);

    // The person's ID number: the reads and the events of that person, newest first.
    const subject = page.getByLabel(/Số định danh cá nhân \(đối tượng\)/);
    await subject.fill(idNumber);
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    const status = page.getByTestId('audit-status');
    await status.getByText('Đang hiển thị 4 bản ghi, mới nhất trước. Đã hiển thị hết.').waitFor();
    const list = page.getByTestId('audit-entry');
    const actionsOf = () => list.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    assert.deepEqual(await actionsOf(), ['person.history_read', 'person.read', 'person.read', 'registry.birth_registered']);
    assert.match((await list.nth(1).textContent()) ?? '', /Xem hồ sơ.*Giải quyết thủ tục hành chính — hồ sơ 12\/2026/);
    assert.match((await list.nth(3).textContent()) ?? '', /Đăng ký khai sinh.*Luật Hộ tịch 2014, Điều 16/);
    for (const s of await page.getByTestId('audit-entry-subject').allTextContents()) assert.match(s, new RegExp(idNumber));
    assert.equal(await page.getByRole('button', { name: 'Tải thêm' }).count(), 0);
    await screenshot(page, 'audit-log');
    await page.setViewportSize(PHONE);
    assert.ok(await hasNoHorizontalScroll(page), 'the audit log fits 360 px');
    await screenshot(page, 'audit-log-phone');
    await page.setViewportSize(DESKTOP);

    // A busier subject: 50 at a time, then "load more".
    await subject.fill(busyId);
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await status.getByText('Đang hiển thị 50 bản ghi, mới nhất trước.').waitFor();
    assert.equal(await list.count(), 50);
    assert.match((await list.first().textContent()) ?? '', /Giải quyết thủ tục hành chính — hồ sơ 54/);
    await page.getByRole('button', { name: 'Tải thêm' }).click();
    await status.getByText('Đang hiển thị 56 bản ghi, mới nhất trước. Đã hiển thị hết.').waitFor();
    const actions = await actionsOf();
    assert.equal(actions[actions.length - 1], 'registry.birth_registered', 'the oldest entry: the birth');
    assert.equal(await page.getByRole('button', { name: 'Tải thêm' }).count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H3', 'focus on the first entry loaded');

    // By action only.
    await subject.fill('');
    await page.getByLabel(/Hành động/).fill('registry.birth_registered');
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await status.getByText(/Đang hiển thị 2 bản ghi/).waitFor();

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.getByTestId('audit-verify-status').getByText('Chain intact').waitFor();
    await close();
  });

  test('an admin may verify the chain but not read the log', async () => {
    const { page, close } = await signedIn(ROOT, { at: '/audit' });
    await page.getByRole('heading', { level: 1, name: 'Nhật ký truy cập' }).waitFor();
    await page.getByText('Chỉ kiểm toán viên được tra cứu nội dung nhật ký.').waitFor();
    await page.getByRole('button', { name: 'Kiểm tra chuỗi nhật ký' }).click();
    await page.getByTestId('audit-verify-status').getByText('Chuỗi nhật ký nguyên vẹn').waitFor();
    await close();
  });
});
