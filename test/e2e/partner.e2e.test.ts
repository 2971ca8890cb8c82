/**
 * The partner console in a real browser against the whole platform (real HTTP, the bulk runner in
 * its worker thread, the event deliverer on its timer): an admin makes a member with a system, a
 * bulk-verification grant and an event-subscription grant through the admin APIs and adds a
 * citizen as manager; the system follows a person whose death is delivered to a receiver that
 * fails. The citizen signs in through the eID pages, opens /partner, sees the system with its
 * client ID and keys (a key the server refuses is shown next to the box, the text kept), the
 * grants, starts a bulk job from a CSV (a file the grant does not cover is refused next to the
 * file field, the choices kept), watches its progress bar reach done, downloads the result, sees
 * usage against the quota and the delivery with its retry. Then on a 360 px phone with the
 * keyboard, and in English.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, hasNoHorizontalScroll, launchBrowser, PHONE, SCREENSHOT_DIR, screenshot } from '../harness/browser.ts';
import { CITIZEN_PASSWORD, level1Account, officerHeaders, resident } from '../harness/eid.ts';
import { accessToken, call, partnerKeys, type H } from '../harness/partner.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

const PASSWORD = 'Quan-tri-doi-tac-2026!';
const BANK = 'Ngân hàng TMCP Phú Thịnh';
const SYSTEM = 'Rà soát khách hàng định kỳ';
const STAFF = { idNumber: '', fullName: 'Hoàng Thị Thu Hà', birthDate: '1987-06-15', phone: '0913000777' };
const PEOPLE = [
  { fullName: 'Nguyễn Văn Long', birthDate: '1970-01-05', sex: 'male' as const },
  { fullName: 'Trần Thị Ngọc Ánh', birthDate: '1982-12-24', sex: 'female' as const },
  { fullName: 'Lê Quang Vinh', birthDate: '1995-05-30', sex: 'male' as const },
];

let server: TestServer;
let browser: Browser;
let admin: H;
let registrar: H;
let memberId = '';
let systemId = '';
let clientId = '';
let keys: Awaited<ReturnType<typeof partnerKeys>>;
const ids: string[] = [];
let csvPath = '';
let badCsvPath = '';
/** A webhook receiver that always fails (the delivery waits for its retry). */
const hook = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.statusCode = 500;
    res.end();
  });
});

before(async () => {
  server = await startTestServer({ config: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
  const base = server.baseUrl;
  await server.createOfficer({ username: 'quantri.doitac', password: PASSWORD, displayName: 'Quản trị', roles: ['admin'], provinceCode: null });
  await server.createOfficer({ username: 'hotich.doitac', password: PASSWORD, displayName: 'Hộ tịch', roles: ['registrar'], provinceCode: null });
  admin = await officerHeaders(base, 'quantri.doitac', PASSWORD);
  registrar = await officerHeaders(base, 'hotich.doitac', PASSWORD);
  for (const p of PEOPLE) ids.push(await resident(base, registrar, p));
  STAFF.idNumber = await resident(base, registrar, { fullName: STAFF.fullName, sex: 'female', birthDate: STAFF.birthDate });
  await level1Account(base, STAFF);

  // The admin: a member, its system (an OAuth client with a public key), two grants, the staff.
  const m = await call(base, 'POST', '/api/v1/exchange/admin/members', { name: BANK, kind: 'bank', code: 'PTB' }, admin);
  assert.equal(m.status, 201, m.text);
  memberId = m.json.id;
  keys = await partnerKeys('ptb-2026-01');
  const s = await call(base, 'POST', `/api/v1/exchange/admin/members/${memberId}/systems`, { name: SYSTEM, jwks: { keys: [keys.publicJwk] } }, admin);
  assert.equal(s.status, 201, s.text);
  systemId = s.json.id;
  clientId = s.json.clientId;
  for (const g of [
    { service: 'bulk_verification', fields: ['fullName', 'birthDate', 'personStatus'], purposes: ['customer_due_diligence'], basis: { kind: 'provision', provision: 'Luật Phòng, chống rửa tiền 2022, Điều 9' }, quotaPerDay: 50_000 },
    { service: 'event_subscription', fields: ['person.deceased'], purposes: ['customer_due_diligence'], basis: { kind: 'provision', provision: 'Luật Phòng, chống rửa tiền 2022, Điều 9' } },
  ]) {
    const r = await call(base, 'POST', `/api/v1/exchange/admin/systems/${systemId}/grants`, { ...g, validFrom: '2020-01-01', validUntil: '2099-12-31' }, admin);
    assert.equal(r.status, 201, r.text);
  }
  const staff = await call(base, 'POST', `/api/v1/exchange/admin/members/${memberId}/staff`, { idNumber: STAFF.idNumber, role: 'manager' }, admin);
  assert.equal(staff.status, 201, staff.text);

  // The system follows one customer; the customer dies; the receiver fails, so the delivery waits to be retried.
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const bank = { authorization: `Bearer ${await accessToken(base, clientId, keys)}` };
  const sub = await call(base, 'POST', '/api/v1/exchange/subscriptions', { purpose: 'customer_due_diligence', topics: ['person.deceased'], url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook` }, bank);
  assert.equal(sub.status, 201, sub.text);
  assert.equal((await call(base, 'POST', `/api/v1/exchange/subscriptions/${sub.json.id}/people`, { add: [ids[2]] }, bank)).status, 200);
  const death = await call(base, 'POST', `/api/v1/registry/people/${ids[2]}/death`, { legalBasis: 'Luật Hộ tịch 2014, Điều 33', deathDate: '2026-11-01' }, registrar);
  assert.equal(death.status, 200, death.text);

  // The files the staff member uploads: one the grant covers (4 rows about 3 customers and 1,500 unknown ID numbers), one it does not (a sex column).
  const dir = path.resolve(import.meta.dirname, '../../test-artifacts/partner');
  await fs.mkdir(dir, { recursive: true });
  csvPath = path.join(dir, 'khach-hang.csv');
  const rows = ['idNumber,fullName,birthDate,ref', ...PEOPLE.map((p, i) => `${ids[i]},${i === 1 ? 'Trần Thị Ngọc Anh' : p.fullName},${p.birthDate},KH-${i + 1}`), `${ids[0]},${PEOPLE[0]!.fullName},1971-01-05,KH-4`];
  for (let i = 0; i < 1500; i++) rows.push(`0010${String(90_000_000 + i).padStart(8, '0')},Khách Hàng ${i},1990-01-01,X-${i}`);
  await fs.writeFile(csvPath, `${rows.join('\n')}\n`);
  badCsvPath = path.join(dir, 'co-gioi-tinh.csv');
  await fs.writeFile(badCsvPath, `idNumber,fullName,birthDate,sex\n${ids[0]},${PEOPLE[0]!.fullName},${PEOPLE[0]!.birthDate},Nam\n`);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await new Promise<void>((r) => hook.close(() => r()));
});

async function open(viewport: { width: number; height: number }): Promise<{ page: Page; close(): Promise<void> }> {
  // Reduced motion: the progress bar's easing is off, so a screenshot shows where the bar is.
  const context = await browser.newContext({ viewport, locale: 'vi-VN', acceptDownloads: true, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // 401: who is signed in, before sign-in; 400/403: refusals the test provokes; the eID pages name no icon.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (400|401|403)/.test(m.text()) && !m.location().url.endsWith('/favicon.ico')) errors.push(`${m.text()} ${m.location().url}`);
  });
  return {
    page,
    async close() {
      await context.close();
      assert.deepEqual(errors, [], 'no script errors in the page');
    },
  };
}

/** /partner → "Sign in with eID" → the eID pages → back to the console, which opens the only organisation. */
async function signIn(page: Page, at = '/partner') {
  await page.goto(`${server.baseUrl}${at}`);
  await page.getByRole('heading', { level: 1, name: 'Cổng đối tác khai thác dữ liệu' }).waitFor();
  await page.getByRole('link', { name: 'Đăng nhập bằng định danh điện tử' }).click();
  await page.getByRole('heading', { level: 1, name: 'Đăng nhập bằng định danh điện tử' }).waitFor();
  await page.getByLabel('Số định danh cá nhân').fill(STAFF.idNumber);
  await page.getByLabel('Mật khẩu').fill(CITIZEN_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
}

describe('partner console (browser)', () => {
  test('a member\'s manager signs in with eID, checks systems, keys and grants, runs a bulk job to the end, downloads the result, sees usage and deliveries', async () => {
    const { page, close } = await open(DESKTOP);
    await screenshotSignIn(page);
    await signIn(page);

    // One organisation: it opens; systems and keys first.
    await page.getByRole('heading', { level: 1, name: 'Hệ thống và khoá' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/partner/${memberId}`);
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus on the page heading');
    assert.match((await page.getByTestId('partner-role').textContent()) ?? '', new RegExp(`${BANK} · Vai trò của bạn: Quản lý`));
    const system = page.getByTestId('partner-system');
    await system.getByRole('heading', { name: new RegExp(SYSTEM) }).waitFor();
    assert.equal(await system.getByTestId('system-client-id').textContent(), clientId);
    await system.getByTestId('system-keys').getByText('ptb-2026-01').waitFor();

    // Replace the keys: a key the server refuses is said next to the box and the text stays; then old + new.
    await system.getByRole('button', { name: /Thay khoá/ }).click();
    const form = page.getByTestId('keys-form');
    const box = form.getByLabel('JWKS (chỉ khoá công khai)');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'jwks', 'focus in the box');
    const broken = JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'BBBB', kid: 'hong' }] });
    await box.fill(broken);
    await form.getByRole('button', { name: 'Lưu khoá' }).click();
    await form.getByText(/Khoá công khai không hợp lệ: key 0/).waitFor();
    assert.equal(await box.getAttribute('aria-invalid'), 'true');
    assert.equal(await box.inputValue(), broken, 'what was typed stays');
    const next = await partnerKeys('ptb-2026-02');
    await box.fill(JSON.stringify({ keys: [keys.publicJwk, next.publicJwk] }, null, 2));
    await form.getByRole('button', { name: 'Lưu khoá' }).click();
    await page.getByTestId('systems-notice').getByText(`Đã thay khoá của ${SYSTEM}.`).waitFor();
    await system.getByTestId('system-keys').getByText('ptb-2026-02').waitFor();
    assert.ok(await accessToken(server.baseUrl, clientId, next), 'the new key gets tokens');
    await screenshot(page, 'partner-systems');

    // Grants: read-only, with fields, purposes, legal basis, validity and quota.
    const nav = page.getByRole('navigation', { name: 'Cổng đối tác' });
    await nav.getByRole('link', { name: 'Quyền được cấp' }).click();
    await page.getByRole('heading', { level: 1, name: 'Quyền được cấp' }).waitFor();
    const bulkGrant = page.locator('[data-testid="partner-grant"][data-service="bulk_verification"]');
    await bulkGrant.getByText('Đang hiệu lực').waitFor();
    await bulkGrant.getByText('Rà soát khách hàng (phòng, chống rửa tiền)').waitFor();
    await bulkGrant.getByText('Luật Phòng, chống rửa tiền 2022, Điều 9').waitFor();
    await bulkGrant.getByText('01/01/2020 – 31/12/2099').waitFor();
    await screenshot(page, 'partner-grants');

    // Bulk verification: no file → said next to the file field; a file the grant does not cover → the server's reason there; choices kept.
    await nav.getByRole('link', { name: 'Xác thực theo lô' }).click();
    await page.getByRole('heading', { level: 1, name: 'Xác thực theo lô' }).waitFor();
    const upload = page.getByTestId('upload-form');
    assert.equal(await upload.getByLabel('Hệ thống').inputValue(), systemId, 'the only system is chosen');
    assert.equal(await upload.getByLabel('Mục đích').inputValue(), 'customer_due_diligence', 'the only purpose is chosen');
    await upload.getByLabel('So khớp họ tên').selectOption('diacritic_insensitive');
    await upload.getByRole('button', { name: 'Bắt đầu xác thực' }).click();
    await upload.getByText('Hãy chọn tệp.').first().waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'file', 'focus on the field to fix');
    await upload.getByLabel('Tệp CSV hoặc JSON lines').setInputFiles(badCsvPath);
    await upload.getByRole('button', { name: 'Bắt đầu xác thực' }).click();
    await upload.locator('.field__error').getByText(/Các trường sex không được cấp/).waitFor();
    assert.equal(await upload.getByLabel('So khớp họ tên').inputValue(), 'diacritic_insensitive', 'the choices stay');
    assert.equal(await upload.getByLabel('Mục đích').inputValue(), 'customer_due_diligence');
    await screenshot(page, 'partner-upload-refused');

    // The good file: the job appears at once and its bar fills as the page polls.
    await upload.getByLabel('Tệp CSV hoặc JSON lines').setInputFiles(csvPath);
    await upload.getByRole('button', { name: 'Bắt đầu xác thực' }).click();
    await page.getByTestId('jobs-notice').getByText(/Đã bắt đầu lô .* với khoảng 1\.504 dòng\./).waitFor();
    const job = page.getByTestId('job').first();
    const seen = new Set<string>();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const status = (await job.getAttribute('data-status'))!;
      seen.add(status);
      if (status === 'completed') break;
      assert.ok(Date.now() < deadline, `the job did not finish (${[...seen].join(', ')})`);
      await page.waitForTimeout(100);
    }
    assert.ok(seen.has('queued') || seen.has('running'), 'the job was shown before it finished');
    const bar = job.getByRole('progressbar', { name: /Tiến độ lô/ });
    assert.equal(await bar.getAttribute('aria-valuenow'), '100');
    assert.match((await job.getByTestId('job-progress-text').textContent()) ?? '', /100 % · 1\.504 \/ 1\.504 dòng/);
    await job.getByTestId('job-status').getByText('Hoàn thành').waitFor();
    assert.match((await job.getByTestId('job-outcomes').textContent()) ?? '', /Khớp 3 · Không khớp 1 · Không tìm thấy 1\.500 · Sai định dạng 0 · Từ chối 0/);
    await page.getByTestId('jobs-announce').getByText(/Hoàn thành/).waitFor();
    await screenshot(page, 'partner-jobs');

    // The result file downloads (the person's session cookie; audited on the server).
    const [download] = await Promise.all([page.waitForEvent('download'), job.getByTestId('job-download').click()]);
    assert.match(download.suggestedFilename(), /^open06-verification-.*\.csv$/);
    const saved = path.join(SCREENSHOT_DIR, '..', 'partner', download.suggestedFilename());
    await download.saveAs(saved);
    const lines = (await fs.readFile(saved, 'utf8')).trimEnd().split('\n');
    assert.equal(lines[0], 'row,line,ref,idNumber,outcome,fullName,birthDate,personStatus,reasons');
    assert.equal(lines[1], `1,2,KH-1,${ids[0]},match,match,match,living,`);
    assert.equal(lines[2], `2,3,KH-2,${ids[1]},match,match_ignoring_diacritics,match,living,`);
    assert.equal(lines[3], `3,4,KH-3,${ids[2]},match,match,match,deceased,`);
    assert.equal(lines[4], `4,5,KH-4,${ids[0]},mismatch,match,mismatch,living,birthDate`);
    assert.equal(lines.length, 1505);

    // Usage and quota: today's rows against the grant's quota, a bar per day.
    await nav.getByRole('link', { name: 'Sử dụng và hạn mức' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sử dụng và hạn mức' }).waitFor();
    const bulkUsage = page.locator('.partner-usage[data-service="bulk_verification"]');
    await bulkUsage.getByTestId('usage-today').getByText('Hôm nay đã dùng 1.504 / 50.000 (3 %)').waitFor();
    assert.equal(await bulkUsage.getByRole('meter').getAttribute('aria-valuenow'), '1504');
    assert.equal(await bulkUsage.getByTestId('usage-chart').locator('tbody tr').count(), 14);
    await screenshot(page, 'partner-usage');

    // Events and webhooks: the delivery that failed, with attempts, the next retry and the error.
    await nav.getByRole('link', { name: 'Sự kiện và webhook' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sự kiện và webhook' }).waitFor();
    await page.getByTestId('subscription').getByText('Công dân qua đời').waitFor();
    const delivery = page.getByTestId('delivery').first();
    for (let i = 0; (await delivery.count()) === 0; i++) {
      assert.ok(i < 50, 'the delivery was not attempted');
      await page.waitForTimeout(200);
      await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    }
    await delivery.getByText('Công dân qua đời').waitFor();
    await delivery.getByText(`${ids[2]!.slice(0, 3)}******${ids[2]!.slice(-3)}`).waitFor();
    await delivery.getByText('HTTP 500').waitFor();
    assert.ok(!(await page.content()).includes(ids[2]!), 'the ID number is never in the page whole');
    assert.ok(Number(await delivery.locator('td[data-label="Số lần thử"]').textContent()) >= 1);
    await screenshot(page, 'partner-deliveries');

    // English, then back.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Events and webhooks' }).waitFor();
    await page.getByTestId('delivery').first().getByText('Person died').waitFor();
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sự kiện và webhook' }).waitFor();
    await close();
  });

  test('on a 360 px phone with the keyboard: every page fits, the menu and forms work', async () => {
    const { page, close } = await open(PHONE);
    await signIn(page, `/partner/${memberId}/jobs`);
    await page.getByRole('heading', { level: 1, name: 'Xác thực theo lô' }).waitFor();
    await page.getByTestId('job').first().getByText('Hoàn thành').waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'jobs: no sideways scrolling at 360 px');
    await screenshot(page, 'partner-jobs-phone');

    // Keyboard: from the page heading (which has the focus) back into the menu, to the usage page.
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
    const usageLink = page.getByRole('navigation', { name: 'Cổng đối tác' }).getByRole('link', { name: 'Sử dụng và hạn mức' });
    for (let i = 0; i < 15 && !(await usageLink.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Shift+Tab');
    assert.ok(await usageLink.evaluate((el) => el === document.activeElement), 'the menu is reachable with the keyboard');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Sử dụng và hạn mức' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
    assert.ok(await hasNoHorizontalScroll(page), 'usage: no sideways scrolling');
    await screenshot(page, 'partner-usage-phone');

    for (const [section, heading] of [['', 'Hệ thống và khoá'], ['grants', 'Quyền được cấp'], ['deliveries', 'Sự kiện và webhook']] as const) {
      await page.goto(`${server.baseUrl}/partner/${memberId}${section ? `/${section}` : ''}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.locator('.loading').first().waitFor({ state: 'detached' }).catch(() => undefined);
      assert.ok(await hasNoHorizontalScroll(page), `${heading}: no sideways scrolling`);
    }
    await page.getByTestId('delivery').first().waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'deliveries with rows: no sideways scrolling');
    await screenshot(page, 'partner-deliveries-phone');
    await close();
  });

  test('a citizen who is not staff sees no organisation, and a member\'s address says they are not its staff', async () => {
    const admin2 = await call(server.baseUrl, 'DELETE', `/api/v1/exchange/admin/members/${memberId}/staff/${STAFF.idNumber}`, undefined, admin);
    assert.equal(admin2.status, 200, admin2.text);
    const { page, close } = await open(DESKTOP);
    await signIn(page, `/partner/${memberId}/jobs`);
    await page.getByTestId('member-error').getByText(`Bạn không phải nhân viên của thành viên ${BANK} trong hệ thống khai thác dữ liệu.`).waitFor();
    await page.getByRole('link', { name: 'Về danh sách tổ chức' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tổ chức của bạn' }).waitFor();
    await page.getByTestId('partner-no-orgs').waitFor();
    await close();
  });
});

async function screenshotSignIn(page: Page) {
  await page.goto(`${server.baseUrl}/partner`);
  await page.getByRole('heading', { level: 1, name: 'Cổng đối tác khai thác dữ liệu' }).waitFor();
  await screenshot(page, 'partner-signin');
}
