/**
 * The ID card console in a real browser against the whole platform (real HTTP, real database): a
 * card officer in Hà Nội finds a person, issues a card (a form error next to its field first),
 * sees the print preview with the QR code, MRZ and synthetic portrait, reports the card lost,
 * sees the history; then re-issues on a 360 px phone; and in English.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import QRCode from 'qrcode';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { DESKTOP, hasNoHorizontalScroll, launchBrowser, PHONE, screenshot } from '../harness/browser.ts';
import { startTestServer } from '../harness/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const HA = { username: 'tran.thi.ha', password: 'Sen-vang-cap-the-2026!', displayName: 'Trần Thị Hà', roles: ['card_officer'], provinceCode: '01' };
const REG = { username: 'le.van.dang', password: 'Hoa-dao-dang-ky-2026!', displayName: 'Lê Văn Đăng', roles: ['registrar'], provinceCode: '01' };
const PERSON = { fullName: 'Phạm Thị Hồng Nhung', sex: 'female' as const, birthDate: '1985-06-15' };
const ADDRESS = 'Số 12, phố Kim Mã';


let server: TestServer;
let browser: Browser;
let idNumber = '';

/** A registrar registers the person's birth and permanent residence through the API (bearer session). */
async function registerPerson(): Promise<string> {
  const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: REG.username, password: REG.password, bearer: true }) });
  const loginBody = await login.text();
  assert.equal(login.status, 200, loginBody);
  const auth = { authorization: `Bearer ${JSON.parse(loginBody).token}`, 'content-type': 'application/json' };
  const birth = await fetch(`${server.baseUrl}/api/v1/registry/births`, {
    method: 'POST', headers: auth,
    body: JSON.stringify({ legalBasis: 'Luật Hộ tịch 2014, Điều 16', ...PERSON, birthRegistration: { provinceCode: '01', communeCode: '00004' } }),
  });
  const birthBody = await birth.text();
  assert.equal(birth.status, 201, birthBody);
  const id: string = JSON.parse(birthBody).idNumber;
  const perm = await fetch(`${server.baseUrl}/api/v1/registry/people/${id}/permanent-residence`, {
    method: 'POST', headers: auth,
    body: JSON.stringify({ legalBasis: 'Luật Cư trú 2020, Điều 20', residence: { address: ADDRESS, provinceCode: '01', communeCode: '00004' } }),
  });
  assert.equal(perm.status, 200, await perm.text());
  return id;
}

before(async () => {
  server = await startTestServer();
  await server.createOfficer(HA);
  await server.createOfficer(REG);
  idNumber = await registerPerson();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

interface Session {
  page: Page;
  /** Card requests the page sent, with their Idempotency-Key. */
  posts: Array<{ url: string; key: string | undefined }>;
  close(): Promise<void>;
}

async function signedIn(opts: { viewport?: { width: number; height: number }; at?: string; expectedFailures?: RegExp } = {}): Promise<Session> {
  const context: BrowserContext = await browser.newContext({ viewport: opts.viewport ?? DESKTOP, locale: 'vi-VN' });
  const page = await context.newPage();
  const errors: string[] = [];
  const posts: Session['posts'] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text()) && !(opts.expectedFailures && opts.expectedFailures.test(m.text()))) errors.push(`${m.text()} ${m.location().url}`);
  });
  page.on('request', (r: Request) => {
    if (r.method() === 'POST' && r.url().includes('/api/v1/cards/')) posts.push({ url: r.url(), key: r.headers()['idempotency-key'] });
  });
  await page.goto(`${server.baseUrl}${opts.at ?? '/'}`);
  await page.getByLabel('Tên đăng nhập').fill(HA.username);
  await page.getByLabel('Mật khẩu').fill(HA.password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.getByTestId('officer').waitFor();
  return {
    page,
    posts,
    async close() {
      await context.close();
      assert.deepEqual(errors, [], 'no script errors in the page');
    },
  };
}


function activeText(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('name') ?? document.activeElement?.textContent ?? null);
}

/** The form field (label, hint, error, control) around the control labelled `label`. */
function fieldOf(page: Page, label: string) {
  return page.locator('.field').filter({ has: page.getByLabel(label, { exact: true }) });
}

/** The three MRZ lines shown on the back. */
async function mrzLines(page: Page): Promise<string[]> {
  return page.getByTestId('card-mrz').locator('.id-card__mrz-line').allTextContents();
}

describe('ID card console (browser)', () => {
  test('a card officer finds the person, issues a card, sees the print preview, reports the card lost and sees the history', async () => {
    const { page, posts, close } = await signedIn({ expectedFailures: /status of 400/ });

    // The module is in the menu for a card officer.
    await page.getByRole('navigation', { name: 'Phân hệ' }).getByRole('link', { name: 'Thẻ căn cước' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thẻ căn cước' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus starts at the page heading');

    // Find by name without diacritics; the address keeps the search.
    await page.getByLabel('Số định danh cá nhân hoặc họ tên').fill('pham thi hong nhung');
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    const result = page.getByTestId('cards-find-results').getByRole('link', { name: new RegExp(PERSON.fullName) });
    await result.waitFor();
    assert.match(page.url(), /\/cards\?q=pham\+thi\+hong\+nhung$/);
    await result.click();

    await page.getByRole('heading', { level: 1, name: PERSON.fullName }).waitFor();
    assert.match(page.url(), new RegExp(`/cards/people/${idNumber}$`));
    assert.equal(await page.getByTestId('cards-person-id').textContent(), idNumber);
    await page.getByTestId('cards-empty').getByText('Công dân chưa được cấp thẻ nào.').waitFor();

    // The only kind allowed without a card is the first issue, already chosen; a blank legal basis is refused next to its field.
    const form = page.getByTestId('issue-form');
    assert.equal(await form.getByRole('radio', { name: /Cấp lần đầu/ }).isChecked(), true);
    assert.equal(await form.getByRole('radio').count(), 1);
    await form.getByLabel('Căn cứ pháp lý').fill('  ');
    await form.getByRole('button', { name: 'Cấp thẻ', exact: true }).click();
    await fieldOf(page, 'Căn cứ pháp lý').getByText('Nêu căn cứ pháp lý.').waitFor();
    assert.equal(await activeText(page), 'legalBasis', 'focus on the field to fix');
    assert.equal(await form.getByLabel('Căn cứ pháp lý').getAttribute('aria-invalid'), 'true');
    await page.getByTestId('issue-errors').getByRole('link', { name: /Căn cứ pháp lý/ }).waitFor();
    assert.equal(posts.length, 0, 'nothing sent');

    await form.getByLabel('Căn cứ pháp lý').fill('Luật Căn cước 2023, Điều 19');
    await form.getByLabel(/Lý do/).fill('Cấp lần đầu theo đề nghị của công dân');
    await form.getByRole('button', { name: 'Cấp thẻ', exact: true }).click();

    // The preview: front and back, marked as a synthetic specimen; focus on its heading.
    const preview = page.getByTestId('card-preview');
    await preview.getByRole('heading', { name: 'Bản xem trước để in thẻ số 1' }).waitFor();
    assert.equal(await activeText(page), 'Bản xem trước để in thẻ số 1');
    assert.equal(await page.getByTestId('cards-announce').textContent(), 'Đã cấp thẻ số 1 (Cấp lần đầu).');
    assert.equal(posts.length, 1);
    assert.match(posts[0]!.key ?? '', /^[0-9a-f-]{32,36}$/, 'an Idempotency-Key is sent with the issue');
    assert.match((await preview.textContent()) ?? '', /MẪU — DỮ LIỆU TỔNG HỢP \/ SPECIMEN — SYNTHETIC/);
    assert.equal(await preview.getByTestId('card-id').textContent(), idNumber);
    assert.equal(await preview.getByTestId('card-name').textContent(), 'PHẠM THỊ HỒNG NHUNG');
    assert.match((await preview.getByTestId('card-back').textContent()) ?? '', /Số 12, phố Kim Mã, Phường Ba Đình, Thành phố Hà Nội/);
    assert.equal(await preview.getByTestId('card-expiry').textContent(), '15/06/2045', 'issued at 41: valid until 60 (Law 26/2023)');

    // The QR image encodes the payload shown (same encoder, same options).
    const payload = (await preview.getByTestId('card-qr-payload').textContent()) ?? '';
    assert.match(payload, new RegExp(`^${idNumber}\\|\\|${PERSON.fullName}\\|15061985\\|Nữ\\|${ADDRESS}, Phường Ba Đình, Thành phố Hà Nội\\|\\d{8}$`));
    const qr = preview.getByTestId('card-qr');
    await qr.waitFor();
    assert.equal(await qr.getAttribute('alt'), 'Mã QR của thẻ số 1');
    const svg = await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 1, color: { dark: '#000000', light: '#ffffff' } });
    assert.equal(decodeURIComponent((await qr.getAttribute('src'))!.replace('data:image/svg+xml;charset=utf-8,', '')), svg);
    assert.ok(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), 'the QR image loads');

    // The MRZ: three lines of 30, line 1 carrying the ID number, line 3 the name without diacritics.
    const mrz = await mrzLines(page);
    assert.equal(mrz.length, 3);
    for (const l of mrz) assert.equal(l.length, 30);
    assert.equal(mrz[0], `IDVNM${idNumber.slice(3)}${mrz[0]!.slice(14, 15)}${idNumber}<<${mrz[0]!.slice(29)}`);
    assert.match(mrz[1]!, /^850615\dF450615\dVNM<{11}\d$/);
    assert.equal(mrz[2], 'PHAM<<THI<HONG<NHUNG'.padEnd(30, '<'));
    assert.equal(await page.getByTestId('card-mrz').evaluate((el) => getComputedStyle(el).fontFamily.includes('monospace')), true);
    const face = preview.getByTestId('card-face');
    assert.match((await face.getAttribute('src')) ?? '', /^data:image\/jpeg;base64,/);
    assert.ok(await face.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 96), 'the synthetic portrait from DG2 loads');

    // What is printed verifies against the registry (the partners' endpoints).
    const verified = await page.request.post(`${server.baseUrl}/api/v1/cards/verify/mrz`, { data: { mrz: mrz.join('\n') } });
    assert.equal((await verified.json()).ok, true);
    await preview.scrollIntoViewIfNeeded();
    await screenshot(page, 'cards-preview');

    // History: card 1 valid, issued by "you"; report it lost with the keyboard.
    const card = page.getByTestId('card-item').filter({ hasText: 'Thẻ số 1' });
    assert.equal(await card.getByTestId('card-status').textContent(), 'Còn hiệu lực');
    assert.match((await card.getByTestId('card-event').first().textContent()) ?? '', /Cấp thẻ.*Thực hiện:?\s*Bạn.*Luật Căn cước 2023, Điều 19/);
    await card.getByRole('button', { name: 'Báo mất thẻ' }).click();
    const lost = card.getByTestId('status-form-report_lost');
    await lost.getByRole('heading', { name: 'Báo mất thẻ số 1' }).waitFor();
    assert.equal(await activeText(page), 'Báo mất thẻ số 1', 'focus moves into the form');
    // Cancel returns focus to the button that opened the form.
    await lost.getByRole('button', { name: 'Huỷ' }).click();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Báo mất thẻ');
    await card.getByRole('button', { name: 'Báo mất thẻ' }).click();
    await lost.getByLabel(/Lý do/).fill('Mất khi đi chợ ngày 20/11');
    await lost.getByLabel(/Lý do/).press('Enter');
    await page.getByTestId('cards-announce').getByText('Đã ghi nhận báo mất thẻ số 1.').waitFor();
    await card.getByTestId('card-status').getByText('Đã báo mất').waitFor();
    assert.equal(posts.length, 2);
    assert.match(posts[1]!.url, new RegExp(`/api/v1/cards/people/${idNumber}/cards/1/report-lost$`));
    assert.ok(posts[1]!.key, 'an Idempotency-Key is sent with the report');
    assert.deepEqual(await card.getByTestId('card-event').locator('.timeline__title').allTextContents(), ['Cấp thẻ', 'Báo mất thẻ']);
    assert.match((await card.textContent()) ?? '', /Mất khi đi chợ ngày 20\/11/);
    // A lost card allows a re-issue only; revoking stays possible.
    assert.equal(await page.getByTestId('issue-form').getByRole('radio', { name: /Cấp lại/ }).isChecked(), true);
    assert.equal(await card.getByRole('button', { name: 'Báo mất thẻ' }).count(), 0);
    await card.getByRole('button', { name: 'Thu hồi thẻ' }).waitFor();

    // A fresh load: the history from the server (the preview was only for the session).
    await page.reload();
    await page.getByRole('heading', { level: 1, name: PERSON.fullName }).waitFor();
    await page.getByTestId('card-item').first().getByTestId('card-status').getByText('Đã báo mất').waitFor();
    assert.equal(await page.getByTestId('card-preview').count(), 0);
    await page.getByTestId('cards-history-section').scrollIntoViewIfNeeded();
    await screenshot(page, 'cards-history');
    await close();
  });

  test('at 360×740: re-issue after the loss, the preview and the history fit without sideways scrolling', async () => {
    assert.ok(idNumber);
    const { page, posts, close } = await signedIn({ viewport: PHONE, at: `/cards/people/${idNumber}` });
    await page.getByRole('heading', { level: 1, name: PERSON.fullName }).waitFor();
    await page.getByTestId('card-item').first().waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'person page fits 360 px');

    const form = page.getByTestId('issue-form');
    assert.equal(await form.getByRole('radio', { name: /Cấp lại/ }).isChecked(), true);
    assert.equal(await form.getByLabel('Căn cứ pháp lý').inputValue(), 'Luật Căn cước 2023, Điều 24');
    await form.getByRole('button', { name: 'Cấp thẻ', exact: true }).click();
    const preview = page.getByTestId('card-preview');
    await preview.getByRole('heading', { name: 'Bản xem trước để in thẻ số 2' }).waitFor();
    await preview.getByTestId('card-qr').waitFor();
    assert.equal(posts.length, 1);
    const mrz = await mrzLines(page);
    assert.equal(mrz.length, 3);
    assert.ok(await hasNoHorizontalScroll(page), 'preview fits 360 px');
    // Each MRZ line fits inside the card.
    const fits = await page.getByTestId('card-mrz').evaluate((el) => [...el.querySelectorAll('.id-card__mrz-line')].every((l) => (l as HTMLElement).scrollWidth <= el.clientWidth));
    assert.ok(fits, 'MRZ lines fit the card width');
    await screenshot(page, 'cards-preview-phone');

    const items = page.getByTestId('card-item');
    await items.filter({ hasText: 'Thẻ số 2' }).getByTestId('card-status').getByText('Còn hiệu lực').waitFor();
    assert.deepEqual(await items.getByTestId('card-status').allTextContents(), ['Còn hiệu lực', 'Đã báo mất']);
    // A fresh load shows the history without the preview; the revocation form fits too.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: PERSON.fullName }).waitFor();
    await items.first().getByRole('button', { name: 'Thu hồi thẻ' }).click();
    await items.first().getByTestId('status-form-revoke').getByRole('heading', { name: 'Thu hồi thẻ số 2' }).waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'history with an open form fits 360 px');
    await screenshot(page, 'cards-history-phone');
    await items.first().getByRole('button', { name: 'Huỷ' }).click();
    await close();
  });

  test('in English: the console texts change, the card stays bilingual', async () => {
    const { page, close } = await signedIn({ at: `/cards/people/${idNumber}` });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 2, name: 'Card history' }).waitFor();
    assert.deepEqual(await page.getByTestId('card-item').getByTestId('card-status').allTextContents(), ['Valid', 'Reported lost']);
    await page.getByTestId('issue-renewal').locator('summary').click();
    const form = page.getByTestId('issue-form');
    await form.getByRole('radio', { name: /Renewal/ }).waitFor();
    await form.getByLabel('Legal basis').fill('');
    await form.getByRole('button', { name: 'Issue the card' }).click();
    await fieldOf(page, 'Legal basis').getByText('State the legal basis.').waitFor();
    await close();
  });
});
