/**
 * The population registry console in a real browser against the whole platform (real HTTP, real
 * database): birth registration, the person page with its stated purpose, history (each event
 * naming its officer) and as-of view, search without diacritics, households, server field errors,
 * idempotent retry, the probable duplicate held for review, English, and a 360 px phone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { activeName, DESKTOP, hasNoHorizontalScroll, launchBrowser, PHONE, screenshot, vnDay } from '../harness/browser.ts';
import { startTestServer } from '../harness/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const AN = { username: 'nguyen.van.an', password: 'Hoa-sen-trang-2025!', displayName: 'Nguyễn Văn An', roles: ['registrar'], provinceCode: '01' };
const BABY = 'Nguyễn Thị Ánh Dương';
const LEGAL_BASIS = 'Luật Hộ tịch 2014, Điều 16';


let server: TestServer;
let browser: Browser;

before(async () => {
  server = await startTestServer();
  await server.createOfficer(AN);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const ddmmyyyy = (iso: string) => iso.split('-').reverse().join('/');

interface Session {
  page: Page;
  /** Requests to the birth endpoint, with their Idempotency-Key. */
  births: Array<{ key: string | undefined; body: unknown }>;
  close(): Promise<void>;
}

/**
 * A fresh browser profile, signed in as the registrar. `expectedFailures` are failed loads the
 * browser logs for answers the test provokes (400 for a bad father ID…); anything else is a bug.
 */
async function signedIn(opts: { viewport?: { width: number; height: number }; at?: string; expectedFailures?: RegExp } = {}): Promise<Session> {
  const context: BrowserContext = await browser.newContext({ viewport: opts.viewport ?? DESKTOP, locale: 'vi-VN' });
  const page = await context.newPage();
  const errors: string[] = [];
  const births: Session['births'] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // Before sign-in, GET /auth/me answers 401: the browser logs it as a failed load.
    if (m.type() === 'error' && !/status of 401/.test(m.text()) && !(opts.expectedFailures && opts.expectedFailures.test(m.text()))) errors.push(`${m.text()} ${m.location().url}`);
  });
  page.on('request', (r: Request) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/registry/births')) births.push({ key: r.headers()['idempotency-key'], body: r.postDataJSON() });
  });
  await page.goto(`${server.baseUrl}${opts.at ?? '/'}`);
  await page.getByLabel('Tên đăng nhập').fill(AN.username);
  await page.getByLabel('Mật khẩu').fill(AN.password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.getByTestId('officer').waitFor();
  return {
    page,
    births,
    async close() {
      await context.close();
      assert.deepEqual(errors, [], 'no script errors in the page');
    },
  };
}



/** The form field (label, hint, error, control) around the control labelled `label`. */
function fieldOf(page: Page, label: string) {
  return page.locator('.field').filter({ has: page.getByLabel(label) });
}

async function fillBirth(page: Page, p: { fullName: string; sex: 'Nam' | 'Nữ'; birthDate: string; commune?: string; fatherId?: string; motherId?: string; householdNo?: string }) {
  await page.getByLabel('Họ, chữ đệm và tên').fill(p.fullName);
  await page.getByRole('radio', { name: p.sex, exact: true }).check();
  await page.getByLabel('Ngày sinh').fill(p.birthDate);
  // The officer's province is chosen already; the communes of that province load into the next select.
  await page.getByLabel('Xã, phường, đặc khu').selectOption({ label: p.commune ?? 'Phường Ba Đình' });
  await page.getByLabel('Số định danh cá nhân của cha').fill(p.fatherId ?? '');
  await page.getByLabel('Số định danh cá nhân của mẹ').fill(p.motherId ?? '');
  await page.getByLabel('Số hộ nhập vào').fill(p.householdNo ?? '');
}

/** Registers a birth through the API with the page's session (for data a test only needs to exist). */
async function bornViaApi(page: Page, p: { fullName: string; sex: 'male' | 'female'; birthDate: string }): Promise<string> {
  const res = await page.request.post(`${server.baseUrl}/api/v1/registry/births`, {
    data: { legalBasis: LEGAL_BASIS, fullName: p.fullName, sex: p.sex, birthDate: p.birthDate, birthRegistration: { provinceCode: '01', communeCode: '00004' } },
  });
  assert.equal(res.status(), 201, await res.text());
  return (await res.json()).idNumber;
}

describe('registry console (browser)', () => {
  let babyId = '';

  test('a registrar registers a birth, lands on the person page, and finds the baby typing no diacritics', async () => {
    const { page, births, close } = await signedIn({ expectedFailures: /status of 404/ });
    const birthDate = vnDay(-3);

    // From the menu to the module, then its birth form.
    await page.getByRole('navigation', { name: 'Phân hệ' }).getByRole('link', { name: 'Dân cư' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tra cứu công dân' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus starts at the page heading');
    await page.getByRole('navigation', { name: 'Dân cư' }).getByRole('link', { name: 'Đăng ký khai sinh' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
    assert.equal(await page.getByLabel('Căn cứ pháp lý').inputValue(), LEGAL_BASIS, 'legal basis prefilled');
    assert.equal(await page.getByLabel('Tỉnh, thành phố').inputValue(), '01', "the officer's province is preselected");

    await fillBirth(page, { fullName: BABY, sex: 'Nữ', birthDate });
    await screenshot(page, 'registry-birth-form');
    await page.getByRole('button', { name: 'Đăng ký khai sinh', exact: true }).click();

    // 201 → the new person's page, read for the purpose "birth registration".
    await page.getByRole('heading', { level: 1, name: BABY }).waitFor();
    const m = /\/registry\/people\/(\d{12})$/.exec(page.url());
    assert.ok(m, `person page address: ${page.url()}`);
    babyId = m[1]!;
    // Hà Nội births get code 001; a girl born in the 2000s has 3 as 4th digit; then the year's last two digits.
    assert.match(babyId, new RegExp(`^0013${birthDate.slice(2, 4)}\\d{6}$`));
    assert.equal(await page.getByTestId('person-id').textContent(), babyId);
    assert.match((await page.getByTestId('purpose-used').textContent()) ?? '', /Đăng ký khai sinh/);
    assert.equal(await page.getByTestId('record-birthDate').textContent(), ddmmyyyy(birthDate));
    assert.equal(await page.getByTestId('record-birthRegistration').textContent(), 'Phường Ba Đình, Thành phố Hà Nội');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), BABY, 'focus on the heading naming the person');
    assert.equal(births.length, 1);
    assert.match(births[0]!.key ?? '', /^[0-9a-f-]{36}$/, 'an Idempotency-Key (UUID) is sent');

    // History: the birth event with its legal basis and the fields it set.
    await page.getByRole('button', { name: 'Xem lịch sử thay đổi' }).click();
    const event = page.getByTestId('history-event').first();
    await event.getByRole('heading', { name: 'Đăng ký khai sinh' }).waitFor();
    assert.equal(await event.getByTestId('history-legal-basis').textContent(), LEGAL_BASIS);
    // The officer who recorded it by name, read from /api/v1/officers/names after the events.
    await event.getByTestId('history-recorded-by').getByText(`${AN.displayName} (${AN.username})`, { exact: true }).waitFor();
    const nameRow = event.getByRole('row', { name: /Họ, chữ đệm và tên/ });
    assert.match((await nameRow.textContent()) ?? '', new RegExp(BABY));
    assert.match((await event.getByRole('row', { name: /Nơi đăng ký khai sinh: xã, phường/ }).textContent()) ?? '', /Phường Ba Đình \(00004\)/);
    assert.match((await event.getByRole('row', { name: /Ngày, tháng, năm sinh/ }).textContent()) ?? '', new RegExp(ddmmyyyy(birthDate)), 'the three stored parts read as one date');

    // As of a past day: before the registration there was no record; as of today there is.
    await page.getByLabel('Ngày', { exact: true }).fill(vnDay(-1));
    await page.getByRole('button', { name: 'Xem hồ sơ tại ngày này' }).click();
    await page.getByRole('alert').filter({ hasText: 'chưa có hồ sơ' }).waitFor();
    await page.getByLabel('Ngày', { exact: true }).fill(vnDay(0));
    await page.getByRole('button', { name: 'Xem hồ sơ tại ngày này' }).click();
    await page.getByTestId('as-of').getByTestId('record-fullName').filter({ hasText: BABY }).waitFor();
    await screenshot(page, 'registry-person');

    // Search by the name without diacritics.
    await page.getByRole('navigation', { name: 'Dân cư' }).getByRole('link', { name: 'Tra cứu công dân' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tra cứu công dân' }).waitFor();
    await page.getByLabel('Họ tên hoặc số định danh cá nhân').fill('nguyen thi anh duong');
    await page.getByRole('button', { name: 'Tìm kiếm' }).click();
    const results = page.getByTestId('search-results');
    await results.getByRole('link', { name: BABY }).waitFor();
    assert.match(page.url(), /\/registry\?q=nguyen\+thi\+anh\+duong$/, 'the address keeps the search');
    const row = results.getByRole('row').filter({ hasText: babyId });
    assert.match((await row.textContent()) ?? '', new RegExp(`${babyId}.*${BABY}.*Nữ.*${ddmmyyyy(birthDate)}.*Còn sống`));
    assert.match((await page.getByTestId('search-status').textContent()) ?? '', /Kết quả 1–1/);
    // Sorting the page: the column says how it is sorted.
    await results.getByRole('button', { name: /Họ tên/ }).click();
    assert.equal(await results.getByRole('columnheader', { name: /Họ tên/ }).getAttribute('aria-sort'), 'ascending');
    await screenshot(page, 'registry-search');

    // From a result the page asks for a purpose (no purpose is known for this read).
    await results.getByRole('link', { name: BABY }).click();
    await page.getByRole('heading', { level: 1, name: 'Hồ sơ công dân' }).waitFor();
    const purpose = page.getByTestId('purpose-form');
    await purpose.getByRole('button', { name: 'Xem hồ sơ' }).click();
    await purpose.getByText('Chọn mục đích xem hồ sơ.').waitFor();
    assert.equal(await activeName(page), 'purpose');
    await purpose.getByLabel('Mục đích').selectOption({ label: 'Giải quyết thủ tục hành chính' });
    await purpose.getByLabel(/Chi tiết/).fill('Hồ sơ số 25/2026');
    await purpose.getByRole('button', { name: 'Xem hồ sơ' }).click();
    await page.getByRole('heading', { level: 1, name: BABY }).waitFor();
    assert.equal(await page.getByTestId('purpose-used').locator('strong').textContent(), 'Giải quyết thủ tục hành chính — Hồ sơ số 25/2026');

    // Back: the search and its results come back from the address.
    await page.goBack();
    await page.getByTestId('search-results').getByRole('link', { name: BABY }).waitFor();
    assert.equal(await page.getByLabel('Họ tên hoặc số định danh cá nhân').inputValue(), 'nguyen thi anh duong');

    // The purpose is remembered for the session: the form comes prefilled.
    await page.getByTestId('search-results').getByRole('link', { name: BABY }).click();
    await page.getByTestId('purpose-form').waitFor();
    assert.equal(await page.getByTestId('purpose-form').getByLabel('Mục đích').inputValue(), 'procedure');
    assert.equal(await page.getByTestId('purpose-form').getByLabel(/Chi tiết/).inputValue(), 'Hồ sơ số 25/2026');
    await close();
  });

  test('a bad father ID is shown next to the father field; the typed name stays; a lost answer is retried with the same key', async () => {
    const { page, births, close } = await signedIn({ at: '/registry/births/new', expectedFailures: /status of 400|ERR_FAILED/ });
    await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
    const name = 'Trần Văn Bình';

    // Checked in the page: the ID must have 12 digits (no request is sent).
    await fillBirth(page, { fullName: name, sex: 'Nam', birthDate: vnDay(-10), fatherId: '12345' });
    await page.getByRole('button', { name: 'Đăng ký khai sinh', exact: true }).click();
    await fieldOf(page, 'Số định danh cá nhân của cha').getByText('Số định danh cá nhân gồm đúng 12 chữ số.').waitFor();
    assert.equal(births.length, 0);
    assert.equal(await activeName(page), 'fatherId');

    // Checked by the server: a well-formed number of no one in the registry.
    await page.getByLabel('Số định danh cá nhân của cha').fill('001090012345');
    await page.getByRole('button', { name: 'Đăng ký khai sinh', exact: true }).click();
    const father = page.getByLabel('Số định danh cá nhân của cha');
    await fieldOf(page, 'Số định danh cá nhân của cha').getByText('Không có trong CSDL dân cư').waitFor();
    assert.equal(await father.getAttribute('aria-invalid'), 'true');
    const describedBy = (await father.getAttribute('aria-describedby')) ?? '';
    const described = await page.evaluate((ids) => ids.split(' ').map((i) => document.getElementById(i)?.textContent ?? '').join(' '), describedBy);
    assert.match(described, /Không có trong CSDL dân cư/, 'the error is read with the field');
    assert.equal(await activeName(page), 'fatherId', 'focus on the first invalid field');
    assert.equal(await page.getByLabel('Họ, chữ đệm và tên').inputValue(), name, 'what was typed stays');
    assert.equal(await page.getByLabel('Xã, phường, đặc khu').inputValue(), '00004');
    await page.getByTestId('birth-errors').getByRole('link', { name: /Số định danh cá nhân của cha/ }).waitFor();
    await screenshot(page, 'registry-birth-error');
    assert.equal(births.length, 1);

    // The answer to the next attempt is lost on the way back (the server did record it).
    await father.fill('');
    let dropped = 0;
    await page.route('**/api/v1/registry/births', async (route) => {
      if (dropped++ === 0) {
        await route.fetch();
        await route.abort('failed');
      } else await route.continue();
    });
    await page.getByRole('button', { name: 'Đăng ký khai sinh', exact: true }).click();
    await page.getByTestId('birth-errors').getByText('Không kết nối được máy chủ', { exact: false }).waitFor();
    assert.equal(await page.getByLabel('Họ, chữ đệm và tên').inputValue(), name);
    // Sending the same form again reuses the key: the server answers with the first result.
    await page.getByRole('button', { name: 'Đăng ký khai sinh', exact: true }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    assert.equal(births.length, 3);
    assert.notEqual(births[1]!.key, births[0]!.key, 'a changed form is a new attempt');
    assert.equal(births[2]!.key, births[1]!.key, 'a retry of the same attempt keeps its key');
    const found = await page.request.get(`${server.baseUrl}/api/v1/registry/people?q=${encodeURIComponent('tran van binh')}`);
    assert.equal((await found.json()).items.length, 1, 'registered once');
    await close();
  });

  test('a probable duplicate is held for review (202) and the candidates are listed', async () => {
    const { page, close } = await signedIn({ at: '/registry/births/new' });
    const birthDate = vnDay(-20);
    const existing = await bornViaApi(page, { fullName: 'Lê Minh Khang', sex: 'male', birthDate });
    await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
    await fillBirth(page, { fullName: 'Lê Minh Khang', sex: 'Nam', birthDate });
    await page.getByRole('button', { name: 'Đăng ký khai sinh', exact: true }).click();
    const held = page.getByTestId('birth-held');
    await held.getByRole('heading', { name: 'Hồ sơ được giữ lại để xem xét trùng lặp' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Hồ sơ được giữ lại để xem xét trùng lặp');
    const candidate = held.getByRole('link', { name: 'Lê Minh Khang' });
    await candidate.waitFor();
    assert.equal(await candidate.getAttribute('href'), `/registry/people/${existing}`);
    assert.match((await held.textContent()) ?? '', new RegExp(`${existing}, Nam, ${ddmmyyyy(birthDate)}`));
    await screenshot(page, 'registry-birth-held');
    await held.getByRole('button', { name: 'Đăng ký khai sinh khác' }).click();
    assert.equal(await page.getByLabel('Họ, chữ đệm và tên').inputValue(), '');
    assert.equal(await activeName(page), 'fullName');
    await close();
  });

  test('household page; a birth into a household with a father links them; an old-unit address shows its current unit', async () => {
    const { page, close } = await signedIn();
    const fatherId = await bornViaApi(page, { fullName: 'Phạm Văn Hùng', sex: 'male', birthDate: '1990-05-20' });
    const res = await page.request.post(`${server.baseUrl}/api/v1/registry/people/${fatherId}/permanent-residence`, {
      data: { legalBasis: 'Luật Cư trú 2020, Điều 20', residence: { address: 'Số 12, phố Đội Cấn', provinceCode: '01', communeCode: '00004' } },
    });
    assert.equal(res.status(), 200, await res.text());
    const householdNo: string = (await res.json()).householdNo;

    await page.goto(`${server.baseUrl}/registry/births/new`);
    await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
    await fillBirth(page, { fullName: 'Phạm Gia Bảo', sex: 'Nam', birthDate: vnDay(-5), fatherId, householdNo });
    await page.getByRole('button', { name: 'Đăng ký khai sinh', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Phạm Gia Bảo' }).waitFor();
    assert.equal(await page.getByTestId('record-father').getByRole('link').textContent(), fatherId);
    assert.match((await page.getByTestId('record-household').textContent()) ?? '', new RegExp(`${householdNo} — quan hệ với chủ hộ: Con`));
    assert.equal(await page.getByTestId('record-permanentResidence').textContent(), 'Số 12, phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội');

    await page.getByTestId('record-household').getByRole('link', { name: householdNo }).click();
    await page.getByRole('heading', { level: 1, name: `Hộ ${householdNo}` }).waitFor();
    assert.equal(await page.getByTestId('household-address').textContent(), 'Số 12, phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội');
    assert.equal(await page.getByTestId('household-head').textContent(), 'Phạm Văn Hùng');
    const members = page.getByTestId('household-members');
    assert.match((await members.getByRole('row').filter({ hasText: 'Phạm Gia Bảo' }).textContent()) ?? '', /Con/);
    assert.match((await members.getByRole('row').filter({ hasText: 'Phạm Văn Hùng' }).textContent()) ?? '', /Chủ hộ/);
    await screenshot(page, 'registry-household');
    await page.setViewportSize(PHONE);
    assert.ok(await hasNoHorizontalScroll(page), 'household page fits 360 px');
    await screenshot(page, 'registry-household-phone');
    await page.setViewportSize(DESKTOP);

    // The father moves (current place of living); his history shows the change before → after.
    const moved = await page.request.post(`${server.baseUrl}/api/v1/registry/people/${fatherId}/current-residence`, {
      data: { legalBasis: 'Luật Cư trú 2020, Điều 23', residence: { address: 'Số 8, phố Kim Mã', provinceCode: '01', communeCode: '00004' } },
    });
    assert.equal(moved.status(), 200, await moved.text());
    // The head's link opens his page, which asks for the purpose first.
    await page.getByTestId('household-head').getByRole('link').click();
    const purposeForm = page.getByTestId('purpose-form');
    await purposeForm.waitFor();
    assert.match(page.url(), new RegExp(`/registry/people/${fatherId}$`));
    await purposeForm.getByLabel('Mục đích').selectOption('residence');
    await purposeForm.getByRole('button', { name: 'Xem hồ sơ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Phạm Văn Hùng' }).waitFor();
    await page.getByRole('button', { name: 'Xem lịch sử thay đổi' }).click();
    const events = page.getByTestId('history-event');
    await events.first().waitFor();
    assert.deepEqual(
      await events.getByRole('heading', { level: 3 }).allTextContents(),
      ['Thay đổi nơi ở hiện tại', 'Đăng ký thường trú', 'Đăng ký khai sinh'],
      'newest first',
    );
    const move = events.first();
    assert.equal(await move.getByTestId('history-legal-basis').textContent(), 'Luật Cư trú 2020, Điều 23');
    await events.getByTestId('history-recorded-by').filter({ hasText: `${AN.displayName} (${AN.username})` }).nth(2).waitFor();
    assert.deepEqual(await events.getByTestId('history-recorded-by').allTextContents(), Array(3).fill(`${AN.displayName} (${AN.username})`), 'every event names its officer');
    const row = move.getByRole('row', { name: /Nơi ở hiện tại: địa chỉ/ });
    assert.deepEqual(await row.getByRole('cell').allTextContents(), ['Số 12, phố Đội Cấn', 'Số 8, phố Kim Mã']);
    const joined = events.nth(1);
    assert.match((await joined.getByRole('row', { name: /Số hộ/ }).textContent()) ?? '', new RegExp(`—.*${householdNo}`));
    await screenshot(page, 'registry-person-history');

    // An address recorded with the pre-2025 units (as imported records carry them).
    await sql`insert into registry.person (id_number, full_name, name_key, given_key, sex, birth_year, birth_reg_province_code, perm_address, perm_province_code, perm_commune_code, perm_old_province_code, perm_old_district_code, perm_old_commune_code, perm_since, synthetic)
      values ('001060000123', 'Trương Văn Cũ', 'truong van cu', 'cu', 'male', 1960, '01', 'Số 3 phố Phúc Xá', '01', '00097', '01', '001', '00001', '1990-01-01', true)`.execute(server.platform.db);
    await page.goto(`${server.baseUrl}/registry/people/001060000123`);
    const form = page.getByTestId('purpose-form');
    await form.getByLabel('Mục đích').selectOption('verify');
    await form.getByRole('button', { name: 'Xem hồ sơ' }).click();
    const perm = page.getByTestId('record-permanentResidence');
    await perm.waitFor();
    const text = (await perm.textContent()) ?? '';
    assert.match(text, /Số 3 phố Phúc Xá, Phường Phúc Xá/, 'the address as recorded, with its old commune');
    assert.match(text, /Đơn vị hiện nay: Phường Hồng Hà, Thành phố Hà Nội/);
    await close();
  });

  test('results come 20 to a page; next and previous pages keep the address, and back returns to the page before', async () => {
    const { page, close } = await signedIn({ at: '/registry' });
    for (let i = 0; i < 22; i++) await bornViaApi(page, { fullName: 'Đỗ Văn Phúc', sex: 'male', birthDate: `2000-01-${String(i + 1).padStart(2, '0')}` });
    await page.getByRole('heading', { level: 1, name: 'Tra cứu công dân' }).waitFor();
    await page.getByLabel('Họ tên hoặc số định danh cá nhân').fill('do van phuc');
    await page.getByLabel(/Năm sinh/).fill('2000');
    await page.getByRole('button', { name: 'Tìm kiếm' }).click();
    const status = page.getByTestId('search-status');
    await status.getByText('Kết quả 1–20, còn trang sau.').waitFor();
    assert.equal(await page.getByTestId('search-results').getByRole('row').count(), 21, 'header + 20 rows');
    assert.equal(await page.getByRole('button', { name: 'Trang trước' }).isDisabled(), true);

    await page.getByRole('button', { name: 'Trang sau' }).click();
    await status.getByText('Kết quả 21–22.').waitFor();
    assert.match(page.url(), /\/registry\?q=do\+van\+phuc&birthYear=2000&offset=20$/);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Kết quả tìm kiếm', 'focus moves to the results');
    assert.equal(await page.getByRole('button', { name: 'Trang sau' }).isDisabled(), true);

    await page.goBack();
    await status.getByText('Kết quả 1–20, còn trang sau.').waitFor();
    await page.goForward();
    await status.getByText('Kết quả 21–22.').waitFor();
    assert.equal(await page.getByLabel(/Năm sinh/).inputValue(), '2000');

    // Narrowing to a year with no match says so, in the live region.
    await page.getByLabel(/Năm sinh/).fill('1999');
    await page.getByRole('button', { name: 'Tìm kiếm' }).click();
    await status.getByText('Không tìm thấy công dân nào với “do van phuc” trong phạm vi quản lý của bạn.').waitFor();
    // An ID number must have 12 digits: said next to the box, no request.
    await page.getByLabel('Họ tên hoặc số định danh cá nhân').fill('00109');
    await page.getByRole('button', { name: 'Tìm kiếm' }).click();
    await fieldOf(page, 'Họ tên hoặc số định danh cá nhân').getByText('Số định danh cá nhân gồm đúng 12 chữ số.').waitFor();
    assert.equal(await activeName(page), 'q');
    await close();
  });

  test('in English: the search, the purpose form and the person page', async () => {
    assert.ok(babyId, 'runs after the birth registration test');
    const { page, close } = await signedIn({ at: '/registry' });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Find a person' }).waitFor();
    await page.getByLabel('Full name or personal identification number').fill(babyId);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByTestId('search-results');
    await results.getByRole('link', { name: BABY }).waitFor();
    assert.match((await results.getByRole('row').filter({ hasText: babyId }).textContent()) ?? '', /Female.*Living/);
    await results.getByRole('link', { name: BABY }).click();
    const form = page.getByTestId('purpose-form');
    await form.getByRole('heading', { name: 'State the purpose of reading this record' }).waitFor();
    await form.getByLabel('Purpose').selectOption({ label: 'Other purpose (describe)' });
    await form.getByRole('button', { name: 'Open the record' }).click();
    await form.getByText('Describe the purpose of reading the record.').waitFor();
    assert.equal(await activeName(page), 'purposeDetail');
    await form.getByLabel('Describe the purpose').fill('Kiểm tra dữ liệu');
    await form.getByRole('button', { name: 'Open the record' }).click();
    await page.getByRole('heading', { level: 1, name: BABY }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Identity' }).waitFor();
    assert.equal(await page.getByTestId('record-birthRegistration').textContent(), 'Phường Ba Đình, Thành phố Hà Nội');
    await page.getByRole('button', { name: 'Show the history' }).click();
    await page.getByTestId('history-event').getByRole('heading', { name: 'Birth registration' }).waitFor();
    await screenshot(page, 'registry-person-en');
    await close();
  });

  test('at 360×740 the search, the form and the person page do not scroll sideways', async () => {
    assert.ok(babyId, 'runs after the birth registration test');
    const { page, close } = await signedIn({ viewport: PHONE, at: '/registry' });
    await page.getByRole('heading', { level: 1, name: 'Tra cứu công dân' }).waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'empty search page fits 360 px');
    await page.getByLabel('Họ tên hoặc số định danh cá nhân').fill('nguyen');
    await page.getByRole('button', { name: 'Tìm kiếm' }).click();
    await page.getByTestId('search-results').getByRole('link', { name: BABY }).waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'search results fit 360 px');
    await screenshot(page, 'registry-search-phone');

    await page.goto(`${server.baseUrl}/registry/births/new`);
    await page.getByRole('heading', { level: 1, name: 'Đăng ký khai sinh' }).waitFor();
    await page.getByLabel('Xã, phường, đặc khu').locator('option', { hasText: 'Phường Ba Đình' }).waitFor({ state: 'attached' });
    assert.ok(await hasNoHorizontalScroll(page), 'birth form fits 360 px');
    await screenshot(page, 'registry-birth-form-phone');
    await page.getByLabel('Căn cứ pháp lý').fill('');
    await page.getByRole('button', { name: 'Đăng ký khai sinh', exact: true }).click();
    await page.getByTestId('birth-errors').getByText('Có 5 thông tin cần sửa').waitFor();
    assert.equal(await activeName(page), 'fullName', 'focus on the first field to fix');
    assert.ok(await hasNoHorizontalScroll(page), 'birth form with errors fits 360 px');
    await screenshot(page, 'registry-birth-errors-phone');

    await page.goto(`${server.baseUrl}/registry/people/${babyId}`);
    await page.getByTestId('purpose-form').getByLabel('Mục đích').selectOption('birth');
    await page.getByTestId('purpose-form').getByRole('button', { name: 'Xem hồ sơ' }).click();
    await page.getByRole('heading', { level: 1, name: BABY }).waitFor();
    await page.getByRole('button', { name: 'Xem lịch sử thay đổi' }).click();
    await page.getByTestId('history-event').first().getByTestId('history-recorded-by').getByText(`${AN.displayName} (${AN.username})`).waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'person page with history and the officer\'s name fits 360 px');
    await screenshot(page, 'registry-person-phone');
    await close();
  });
});
