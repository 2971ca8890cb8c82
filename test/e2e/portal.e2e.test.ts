/**
 * The citizen portal in a real browser against the whole platform (real HTTP, real database, our
 * own OpenID Connect provider): a citizen with a level-1 eID account signs in through the eID
 * pages, sees their data (name, the old address with its current unit, household, the valid card
 * with its QR, eID level), withdraws an application they had allowed, changes the password (an
 * error first, what was typed stays), turns on the authenticator app, sees devices and sign-ins,
 * and signs out. Then on a 360 px phone with the keyboard only, the sign-in asking for the app
 * code. The portal's first page must load at most 250 KB of JavaScript, gzipped.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { activeName, DESKTOP, hasNoHorizontalScroll, launchBrowser, PHONE, screenshot } from '../harness/browser.ts';
import { CITIZEN_PASSWORD, call, citizenToken, level1Account, officerHeaders, resident, totpCode } from '../harness/eid.ts';
import { client, clientKeys, rp } from '../harness/oidc.ts';
import { accessToken, partnerKeys } from '../harness/partner.ts';
import { freePort, startTestServer, type TestServer } from '../harness/server.ts';
import { testPlatform } from '../harness/platform.ts';
import { buildApp } from '../../src/app.ts';
import { modules } from '../../src/modules.ts';

const OFFICER_PASSWORD = 'correct-horse-battery-staple';
const NEW_PASSWORD = 'Trong-dong-Dong-Son-2026';
const CITIZEN = { idNumber: '', fullName: 'Lê Thị Hồng Nhung', birthDate: '1990-04-12', phone: '0913000042' };
const CHILD = 'Nguyễn Minh Khôi';
const WEB_DIR = path.resolve(import.meta.dirname, '../../dist/web');

let server: TestServer;
let browser: Browser;
let householdNo = '';
let rpCallback = '';
let rpConfig: client.Configuration;
let totpSecret = '';
/** Two member organisations of the data exchange, each with one system (client credentials). */
const partners: Record<'bank' | 'hospital', { memberId: string; headers: Record<string, string> }> = { bank: { memberId: '', headers: {} }, hospital: { memberId: '', headers: {} } };
const BANK = 'Ngân hàng TMCP Đồng Thuận';
const HOSPITAL = 'Bệnh viện Đa khoa Thử Nghiệm';

before(async () => {
  server = await startTestServer();
  const base = server.baseUrl;
  await server.createOfficer({ username: 'hotich', password: OFFICER_PASSWORD, displayName: 'Hộ tịch', roles: ['registrar'], provinceCode: null });
  await server.createOfficer({ username: 'capthe', password: OFFICER_PASSWORD, displayName: 'Cấp thẻ', roles: ['card_officer'], provinceCode: null });
  await server.createOfficer({ username: 'quantri', password: OFFICER_PASSWORD, displayName: 'Quản trị', roles: ['admin'], provinceCode: null });
  const registrar = await officerHeaders(base, 'hotich', OFFICER_PASSWORD);

  // The citizen: born, permanent residence heading a household, a child in it, a card.
  const b = await call(base, 'POST', '/api/v1/registry/births', { legalBasis: 'Luật Hộ tịch 2014, Điều 16', fullName: CITIZEN.fullName, sex: 'female', birthDate: CITIZEN.birthDate, birthRegistration: { provinceCode: '01', communeCode: '00004' } }, registrar);
  assert.equal(b.status, 201, JSON.stringify(b.json));
  CITIZEN.idNumber = b.json.idNumber;
  const perm = await call(base, 'POST', `/api/v1/registry/people/${CITIZEN.idNumber}/permanent-residence`, { legalBasis: 'Luật Cư trú 2020, Điều 20', residence: { address: 'Số 12, phố Quán Thánh', provinceCode: '01', communeCode: '00004' } }, registrar);
  assert.equal(perm.status, 200, JSON.stringify(perm.json));
  householdNo = perm.json.householdNo;
  const child = await call(base, 'POST', '/api/v1/registry/births', { legalBasis: 'Luật Hộ tịch 2014, Điều 16', fullName: CHILD, sex: 'male', birthDate: '2018-09-02', birthRegistration: { provinceCode: '01', communeCode: '00004' }, motherId: CITIZEN.idNumber, householdNo, relationToHead: 'Con' }, registrar);
  assert.equal(child.status, 201, JSON.stringify(child.json));
  // The address as an imported record carries it: recorded with the pre-2025 units (Phường Quán Thánh, Quận Ba Đình).
  await sql`update registry.person set perm_old_province_code = '01', perm_old_district_code = '001', perm_old_commune_code = '00013' where id_number = ${CITIZEN.idNumber}`.execute(server.platform.db);
  const card = await call(base, 'POST', `/api/v1/cards/people/${CITIZEN.idNumber}/cards`, { kind: 'first_issue', legalBasis: 'Luật Căn cước 2023, Điều 23', reason: 'Cấp lần đầu' }, await officerHeaders(base, 'capthe', OFFICER_PASSWORD));
  assert.equal(card.status, 201, JSON.stringify(card.json));

  // A level-1 eID account opened online (the code comes from the development sender).
  await level1Account(base, CITIZEN);

  // A service the citizen will allow to sign them in, and later withdraw.
  rpCallback = `${base}/rp-demo/callback`;
  const keys = await clientKeys();
  const c = await call(base, 'POST', '/api/v1/admin/oidc-clients', { clientId: 'bhxh', kind: 'relying_party', organisation: 'Bảo hiểm xã hội Việt Nam', purpose: { vi: 'Tra cứu quá trình đóng bảo hiểm', en: 'Looking up your insurance contributions' }, redirectUris: [rpCallback], jwks: keys.jwks, scopes: ['profile', 'id_number'] }, await officerHeaders(base, 'quantri', OFFICER_PASSWORD));
  assert.equal(c.status, 201, JSON.stringify(c.json));
  rpConfig = await rp(`${base}/oidc`, 'bhxh', keys);

  // The data exchange: a hospital reading under a provision, a bank that needs the citizen's consent.
  const admin = await officerHeaders(base, 'quantri', OFFICER_PASSWORD);
  for (const [key, name, kind, grant] of [
    ['hospital', HOSPITAL, 'hospital', { service: 'person_data', fields: ['fullName', 'birthDate'], purposes: ['health_insurance'], basis: { kind: 'provision', provision: 'Luật Căn cước 2023, Điều 10' } }],
    ['bank', BANK, 'bank', { service: 'person_data', fields: ['fullName', 'birthDate', 'permanentResidence'], purposes: ['account_opening', 'credit_assessment'], basis: { kind: 'consent' } }],
  ] as const) {
    const m = await call(base, 'POST', '/api/v1/exchange/admin/members', { name, kind, code: `M-${key}` }, admin);
    assert.equal(m.status, 201, JSON.stringify(m.json));
    const pk = await partnerKeys();
    const sys = await call(base, 'POST', `/api/v1/exchange/admin/members/${m.json.id}/systems`, { name: `${name} — hệ thống eKYC`, jwks: { keys: [pk.publicJwk] } }, admin);
    assert.equal(sys.status, 201, JSON.stringify(sys.json));
    const g = await call(base, 'POST', `/api/v1/exchange/admin/systems/${sys.json.id}/grants`, { ...grant, validFrom: '2020-01-01', validUntil: '2099-12-31' }, admin);
    assert.equal(g.status, 201, JSON.stringify(g.json));
    partners[key] = { memberId: m.json.id, headers: { authorization: `Bearer ${await accessToken(base, sys.json.clientId, pk)}` } };
  }
  const read = await call(base, 'POST', '/api/v1/exchange/person-data', { idNumber: CITIZEN.idNumber, purpose: 'health_insurance' }, partners.hospital.headers);
  assert.equal(read.status, 200, JSON.stringify(read.json));
  const ask = await call(base, 'POST', '/api/v1/exchange/consent-requests', { idNumber: CITIZEN.idNumber, purpose: 'credit_assessment', fields: ['fullName', 'birthDate'], validUntil: '2027-06-30', message: 'Thẩm định khoản vay tín chấp' }, partners.bank.headers);
  assert.equal(ask.status, 201, JSON.stringify(ask.json));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(viewport: { width: number; height: number }): Promise<{ page: Page; scripts: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport, locale: 'vi-VN' });
  const page = await context.newPage();
  const errors: string[] = [];
  const scripts: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // 401: the portal asking who is signed in before sign-in; 400/401/403 on the eID pages: refused input.
  // The eID provider's server-rendered pages name no icon, so Chromium asks for /favicon.ico (404).
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (400|401|403)/.test(m.text()) && !m.location().url.endsWith('/favicon.ico')) errors.push(`${m.text()} ${m.location().url}`);
  });
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script' && r.url().startsWith(server.baseUrl)) scripts.push(new URL(r.url()).pathname);
  });
  return {
    page,
    scripts,
    async close() {
      await context.close();
      assert.deepEqual(errors, [], 'no script errors in the page');
    },
  };
}

/** The JavaScript files a page loaded, gzipped as a server would send them, in bytes. */
function gzippedSize(paths: readonly string[]): { total: number; files: Array<[string, number]> } {
  const files = [...new Set(paths)].map((p): [string, number] => [p, zlib.gzipSync(fs.readFileSync(path.join(WEB_DIR, p)), { level: 9 }).length]);
  return { total: files.reduce((s, [, n]) => s + n, 0), files };
}

async function signInOnEidPages(page: Page, password: string) {
  await page.getByRole('heading', { level: 1, name: 'Đăng nhập bằng định danh điện tử' }).waitFor();
  await page.getByText('Cổng công dân Open06 / Open06 citizen portal đề nghị bạn đăng nhập.').waitFor();
  await page.getByLabel('Số định danh cá nhân').fill(CITIZEN.idNumber);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
}

describe('citizen portal (browser)', () => {
  test('a citizen signs in with eID, sees their data, withdraws an application, secures the account and signs out', async () => {
    const { page, scripts, close } = await open(DESKTOP);
    await page.goto(`${server.baseUrl}/portal`);
    await page.getByRole('heading', { level: 1, name: 'Cổng dịch vụ công dân' }).waitFor();
    await screenshot(page, 'portal-signin');

    // "Sign in with eID": the provider's own pages, then back to the portal with a session cookie.
    await page.getByRole('link', { name: 'Đăng nhập bằng định danh điện tử' }).click();
    await signInOnEidPages(page, CITIZEN_PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Dữ liệu của tôi' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/portal');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus on the page heading');
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'open06_citizen');
    assert.ok(session?.httpOnly, 'an HttpOnly session cookie');

    // My data: name, the old address with the unit it belongs to now, household, card with QR, eID level.
    await page.getByTestId('me-fullName').getByText(CITIZEN.fullName).waitFor();
    assert.equal(await page.getByTestId('me-idNumber').textContent(), CITIZEN.idNumber);
    assert.equal(await page.getByTestId('me-birthDate').textContent(), '12/04/1990');
    assert.match((await page.getByTestId('me-permanent-recorded').textContent()) ?? '', /Số 12, phố Quán Thánh, Phường Quán Thánh, quận\/huyện mã 001, Thành phố Hà Nội/);
    assert.match((await page.getByTestId('me-permanent-current').textContent()) ?? '', /Nay thuộc: Phường Ba Đình, Thành phố Hà Nội/);
    assert.equal(await page.getByTestId('me-householdNo').textContent(), householdNo);
    const members = page.getByTestId('me-members');
    await members.getByRole('row', { name: new RegExp(`${CITIZEN.fullName} \\(bạn\\)`) }).waitFor();
    await members.getByRole('row', { name: new RegExp(`${CHILD}.*Con.*2018`) }).waitFor();
    const card = page.getByTestId('me-card');
    assert.equal(await card.getAttribute('data-status'), 'valid');
    await card.getByText('Còn giá trị').waitFor();
    const qr = page.getByRole('img', { name: `Mã QR của thẻ căn cước số định danh ${CITIZEN.idNumber}` });
    await qr.waitFor();
    assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/svg\+xml/);
    assert.match((await page.getByTestId('me-eid-level').textContent()) ?? '', /^Mức 1/);
    assert.equal(await page.getByTestId('portal-level').textContent(), 'Định danh điện tử mức 1');
    await screenshot(page, 'portal-my-data');

    // The portal's first page: its JavaScript, gzipped (a fresh load, signed in).
    scripts.length = 0;
    await page.reload();
    await page.getByRole('img', { name: /Mã QR của thẻ căn cước/ }).waitFor();
    const js = gzippedSize(scripts);
    console.log(`portal first page: ${js.files.length} JavaScript files, ${(js.total / 1024).toFixed(1)} KB gzipped: ${js.files.map(([f, n]) => `${path.basename(f)} ${(n / 1024).toFixed(1)} KB`).join(', ')}`);
    assert.ok(js.total <= 250 * 1024, `the portal's first page loads ${js.total} bytes of JavaScript gzipped`);
    assert.ok(!js.files.some(([f]) => /RegistryPage|CardsPage|AuditPage|AdminPage/.test(f)), 'no officer console code');

    // English, then back.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'My data' }).waitFor();
    await page.getByText('Now in:').waitFor();
    assert.equal(await page.getByTestId('portal-level').textContent(), 'eID level 1');
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('heading', { level: 1, name: 'Dữ liệu của tôi' }).waitFor();

    // The citizen allows a service to sign them in (already signed in at the provider: consent only).
    const authUrl = client.buildAuthorizationUrl(rpConfig, { redirect_uri: rpCallback, scope: 'openid profile id_number', state: client.randomState(), code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' }).href;
    await page.goto(authUrl);
    await page.getByRole('heading', { level: 1, name: 'Chia sẻ thông tin' }).waitFor();
    await Promise.all([page.waitForURL((u) => u.href.startsWith(rpCallback)), page.getByRole('button', { name: 'Đồng ý chia sẻ' }).click()]);

    // Connected applications: it is listed with what it receives; withdraw it.
    await page.goto(`${server.baseUrl}/portal/applications`);
    await page.getByRole('heading', { level: 1, name: 'Ứng dụng đã kết nối' }).waitFor();
    const app = page.getByTestId('application');
    await app.getByRole('heading', { name: 'Bảo hiểm xã hội Việt Nam' }).waitFor();
    await app.getByText('Tra cứu quá trình đóng bảo hiểm').waitFor();
    await app.getByText('Số định danh cá nhân').waitFor();
    await screenshot(page, 'portal-applications');
    await app.getByRole('button', { name: /Rút quyền/ }).click();
    await app.getByText('Rút quyền của Bảo hiểm xã hội Việt Nam?', { exact: false }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'P', 'focus on the question');
    await app.getByRole('button', { name: 'Rút quyền', exact: true }).click();
    await page.getByTestId('apps-notice').getByText('Đã rút quyền của Bảo hiểm xã hội Việt Nam.').waitFor();
    await page.getByText('Bạn chưa cho phép ứng dụng nào.').waitFor();
    const grants = await page.request.get(`${server.baseUrl}/api/v1/eid/me/applications`);
    assert.deepEqual((await grants.json()).items, [], 'withdrawn on the server');

    // My consents: the bank's request is waiting; approve it.
    await page.getByRole('navigation', { name: 'Cổng công dân' }).getByRole('link', { name: 'Sự đồng ý của tôi' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sự đồng ý của tôi' }).waitFor();
    const request = page.getByTestId('consent-request');
    await request.getByRole('heading', { name: `${BANK} đề nghị bạn đồng ý chia sẻ` }).waitFor();
    await request.getByText('Thẩm định cho vay tiêu dùng tín chấp').waitFor();
    await request.getByText('Thẩm định khoản vay tín chấp').waitFor();
    await screenshot(page, 'portal-consent-request');
    await request.getByRole('button', { name: /^Đồng ý/ }).click();
    await page.getByTestId('consents-notice').getByText(`Bạn đã đồng ý với đề nghị của ${BANK}.`, { exact: false }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'consents-notice', 'focus on the result');
    await page.getByText('Không có đề nghị nào đang chờ.').waitFor();
    const consent = page.getByTestId('consent').and(page.locator('[data-status="active"]'));
    await consent.getByText('Theo đề nghị của tổ chức').waitFor();
    // The receipt: a printable page signed by the platform.
    const receiptHref = (await consent.getByRole('link', { name: /Xem biên nhận/ }).getAttribute('href'))!;
    const receipt = await page.request.get(`${server.baseUrl}${receiptHref}`);
    assert.equal(receipt.status(), 200);
    assert.match(await receipt.text(), new RegExp(BANK));
    await screenshot(page, 'portal-consents');

    // The bank reads under that consent; a hospital read earlier under a provision.
    const withConsent = await call(server.baseUrl, 'POST', '/api/v1/exchange/person-data', { idNumber: CITIZEN.idNumber, purpose: 'credit_assessment', fields: ['fullName', 'birthDate'] }, partners.bank.headers);
    assert.equal(withConsent.status, 200, JSON.stringify(withConsent.json));

    // Who accessed my data: both, with purpose, fields and basis; filter by organisation; export.
    await page.getByRole('link', { name: 'Ai đã truy cập dữ liệu' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ai đã truy cập dữ liệu của tôi' }).waitFor();
    const partnerItems = page.getByTestId('access-item').and(page.locator('[data-kind="partner"]'));
    await partnerItems.first().waitFor();
    const bankRead = partnerItems.filter({ hasText: BANK }).first();
    assert.match((await bankRead.textContent()) ?? '', /Khai thác thông tin công dân.*Thẩm định cho vay tiêu dùng tín chấp.*Sự đồng ý của bạn.*Họ, chữ đệm và tên|Khai thác thông tin công dân.*Thẩm định cho vay tiêu dùng tín chấp.*Sự đồng ý của bạn/);
    await bankRead.getByRole('link', { name: 'Xem biên nhận' }).waitFor();
    const hospitalRead = partnerItems.filter({ hasText: HOSPITAL }).first();
    assert.match((await hospitalRead.getByTestId('access-basis').textContent()) ?? '', /Luật Căn cước 2023, Điều 10/);
    assert.match((await hospitalRead.textContent()) ?? '', /Khám chữa bệnh bảo hiểm y tế bằng thẻ căn cước/);
    await screenshot(page, 'portal-access');
    await page.getByLabel('Tổ chức').selectOption({ label: BANK });
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await page.getByTestId('access-status').getByText(/^Đang hiển thị lần truy cập 1–\d+\.$/).waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="access-item"]')].every((e) => !/Bệnh viện/.test(e.textContent ?? '')));
    assert.ok((await page.getByTestId('access-item').count()) >= 1);
    const csvHref = (await page.getByRole('link', { name: 'Tải về bảng tính (CSV)' }).getAttribute('href'))!;
    assert.match(csvHref, new RegExp(`memberId=${partners.bank.memberId}.*format=csv`));
    const csv = await page.request.get(`${server.baseUrl}${csvHref}`);
    assert.match(csv.headers()['content-type'] ?? '', /text\/csv/);
    const csvText = await csv.text();
    assert.match(csvText, new RegExp(BANK));
    assert.ok(!csvText.includes(HOSPITAL), 'the export follows the filter');

    // Withdraw the consent: the bank's next read is refused.
    await page.getByRole('link', { name: 'Sự đồng ý của tôi' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sự đồng ý của tôi' }).waitFor();
    await page.getByTestId('consent').first().getByRole('button', { name: /Rút lại sự đồng ý/ }).click();
    await page.getByText(`Rút lại sự đồng ý cho ${BANK}?`, { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Rút lại', exact: true }).click();
    await page.getByTestId('consents-notice').getByText(`Đã rút lại sự đồng ý cho ${BANK}.`).waitFor();
    await page.getByTestId('consent').first().getByText('Đã rút lại').waitFor();
    const refused = await call(server.baseUrl, 'POST', '/api/v1/exchange/person-data', { idNumber: CITIZEN.idNumber, purpose: 'credit_assessment', fields: ['fullName'] }, partners.bank.headers);
    assert.equal(refused.status, 403, 'withdrawn: refused at once');

    // Account security: the menu, the heading takes the focus.
    await page.getByRole('navigation', { name: 'Cổng công dân' }).getByRole('link', { name: 'Bảo mật tài khoản' }).click();
    await page.getByRole('heading', { level: 1, name: 'Bảo mật tài khoản' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');

    // Password: a wrong current password is said next to its field; what was typed stays.
    const pw = page.getByTestId('security-password');
    await pw.getByLabel('Mật khẩu hiện tại').fill('khong-phai-mat-khau');
    await pw.getByLabel('Mật khẩu mới', { exact: true }).fill(NEW_PASSWORD);
    await pw.getByLabel('Nhập lại mật khẩu mới').fill(NEW_PASSWORD);
    await pw.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await pw.getByText('Mật khẩu hiện tại: Không đúng.').waitFor();
    assert.equal(await activeName(page), 'currentPassword', 'focus on the field to fix');
    assert.equal(await pw.getByLabel('Mật khẩu hiện tại').getAttribute('aria-invalid'), 'true');
    assert.equal(await pw.getByLabel('Mật khẩu mới', { exact: true }).inputValue(), NEW_PASSWORD, 'the new password is kept');
    await pw.getByLabel('Mật khẩu hiện tại').fill(CITIZEN_PASSWORD);
    await pw.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await pw.getByTestId('password-done').getByText('Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.').waitFor();
    assert.equal(await pw.getByLabel('Mật khẩu mới', { exact: true }).inputValue(), '');

    // Authenticator app: the QR code and the secret, confirmed with a code.
    const totp = page.getByTestId('security-totp');
    await totp.getByRole('button', { name: 'Bật xác thực bằng ứng dụng' }).click();
    await totp.getByRole('img', { name: /Mã QR để thêm tài khoản/ }).waitFor();
    totpSecret = (await totp.getByTestId('totp-secret').getAttribute('data-secret'))!;
    assert.match(totpSecret, /^[A-Z2-7]{16,}$/);
    await screenshot(page, 'portal-security-totp');
    await totp.getByLabel('Mã 6 chữ số từ ứng dụng').fill('12');
    await totp.getByRole('button', { name: 'Xác nhận và bật' }).click();
    await totp.getByText('Nhập mã 6 chữ số đang hiển thị trong ứng dụng.').first().waitFor();
    assert.equal(await activeName(page), 'code');
    await totp.getByLabel('Mã 6 chữ số từ ứng dụng').fill(await totpCode(totpSecret));
    await totp.getByRole('button', { name: 'Xác nhận và bật' }).click();
    await totp.getByTestId('totp-notice').getByText('Đã bật xác thực hai lớp bằng ứng dụng.').waitFor();
    await totp.getByTestId('totp-state').getByText(/Đang bật/).waitFor();
    await page.getByTestId('security-passkeys').getByText('Bạn chưa có khoá truy cập nào.').waitFor();
    await screenshot(page, 'portal-security');

    // Devices and sign-ins: this session is marked; the sign-in is listed.
    await page.getByRole('link', { name: 'Thiết bị và đăng nhập' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thiết bị và đăng nhập' }).waitFor();
    const current = page.getByTestId('session').and(page.locator('[data-current="true"]'));
    await current.getByText('Phiên này').waitFor();
    await current.getByText(/Chrome trên Linux/).waitFor();
    await page.getByTestId('sign-ins').getByText('Đăng nhập thành công').first().waitFor();
    await page.getByTestId('sign-ins').getByText(/Đăng nhập không thành công/).first().waitFor();
    await screenshot(page, 'portal-devices');

    // Sign out. The password change above ended single sign-on at the provider in every browser
    // (identity.sessions.revoked, handled within a second), so the provider has no session to ask
    // about: its self-submitting form (allowed by the pages' CSP) goes straight back to the portal.
    for (let i = 0; i < 50; i++) {
      const left = await sql<{ n: number }>`select count(*)::int as n from identity.oidc_payloads p join identity.account a on a.id::text = p.account_id where p.model = 'Session' and a.id_number = ${CITIZEN.idNumber}`.execute(server.platform.db);
      if (left.rows[0]!.n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.getByRole('link', { name: 'Đăng xuất' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cổng dịch vụ công dân' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/portal');
    assert.equal((await page.request.get(`${server.baseUrl}/api/v1/eid/me`)).status(), 401, 'the session has ended');
    await close();
  });

  test('on a 360 px phone with the keyboard only: sign in with the app code, every page fits, sign-in errors come back', async () => {
    assert.ok(totpSecret, 'runs after the first journey turned TOTP on');
    const { page, close } = await open(PHONE);
    await page.goto(`${server.baseUrl}/portal/devices`);
    await page.getByRole('heading', { level: 1, name: 'Cổng dịch vụ công dân' }).waitFor();
    assert.ok(await hasNoHorizontalScroll(page));
    await screenshot(page, 'portal-signin-phone');

    // Tab: the skip link first, then on to the sign-in link; Enter follows it.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Bỏ qua, đến nội dung chính');
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Đăng nhập bằng định danh điện tử'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập bằng định danh điện tử' }).waitFor();
    assert.equal(await activeName(page), 'idNumber', 'the eID page puts the focus on the ID number');
    await page.keyboard.type(CITIZEN.idNumber);
    await page.keyboard.press('Tab');
    await page.keyboard.type(NEW_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Xác thực hai lớp' }).waitFor();
    // The next 30-second step: the code used to turn TOTP on cannot be used again.
    await page.keyboard.type(await totpCode(totpSecret, 1));
    await page.keyboard.press('Enter');

    // Back where the citizen started, signed in with password and app code.
    await page.getByRole('heading', { level: 1, name: 'Thiết bị và đăng nhập' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/portal/devices');
    await page.getByTestId('sign-ins').getByText('Mật khẩu và mã ứng dụng').first().waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'devices fit 360 px');
    await screenshot(page, 'portal-devices-phone');

    for (const [link, heading, shot] of [
      ['Dữ liệu của tôi', 'Dữ liệu của tôi', 'portal-my-data-phone'],
      ['Ai đã truy cập dữ liệu', 'Ai đã truy cập dữ liệu của tôi', 'portal-access-phone'],
      ['Sự đồng ý của tôi', 'Sự đồng ý của tôi', 'portal-consents-phone'],
      ['Bảo mật tài khoản', 'Bảo mật tài khoản', 'portal-security-phone'],
      ['Ứng dụng đã kết nối', 'Ứng dụng đã kết nối', 'portal-applications-phone'],
    ] as const) {
      await page.getByRole('navigation', { name: 'Cổng công dân' }).getByRole('link', { name: link }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      if (link === 'Dữ liệu của tôi') await page.getByRole('img', { name: /Mã QR của thẻ căn cước/ }).waitFor();
      assert.ok(await hasNoHorizontalScroll(page), `${heading} fits 360 px`);
      await screenshot(page, shot);
    }
    await close();
  });

  test('a cancelled or failed sign-in comes back with its reason; an unknown page says so', async () => {
    const { page, close } = await open(DESKTOP);
    await page.goto(`${server.baseUrl}/portal?signin_error=access_denied`);
    await page.getByTestId('portal-signin-error').getByText('Bạn đã huỷ đăng nhập.').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'the message is read from the heading');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByTestId('portal-signin-error').getByText('You cancelled the sign-in.').waitFor();
    assert.match((await page.getByRole('link', { name: 'Sign in with eID' }).getAttribute('href')) ?? '', /^\/portal\/login\?returnTo=%2Fportal&lang=en$/);
    await close();
  });
});

/**
 * Passkeys need a real domain (WebAuthn refuses an IP address as relying party), so this journey
 * runs on its own server at http://localhost, with Chromium's virtual authenticator (CDP).
 */
describe('citizen portal: passkeys (browser, virtual authenticator)', () => {
  let base = '';
  let close: (() => Promise<void>) | null = null;
  const person = { idNumber: '', fullName: 'Đặng Văn Lâm', birthDate: '1988-02-20', phone: '0913000043' };

  before(async () => {
    const port = await freePort();
    base = `http://localhost:${port}`;
    const platform = await testPlatform({ config: { PORT: port, HOST: 'localhost', PUBLIC_BASE_URL: base } });
    const app = await buildApp(platform, modules, { logger: false });
    await app.listen({ port, host: 'localhost' });
    close = async () => { await app.close(); await platform.close(); };
    await platform.officers.create({ username: 'hotich', password: OFFICER_PASSWORD, displayName: 'Hộ tịch', roles: ['registrar'], provinceCode: null }, 'test');
    person.idNumber = await resident(base, await officerHeaders(base, 'hotich', OFFICER_PASSWORD), { fullName: person.fullName, sex: 'male', birthDate: person.birthDate });
    await level1Account(base, person);
  });
  after(async () => { await close?.(); });

  test('the citizen creates a passkey on this device, renames it and deletes it', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'vi-VN' });
    const errors: string[] = [];
    // Signed in as the portal's callback leaves the browser: the HttpOnly session cookie.
    await context.addCookies([{ name: 'open06_citizen', value: await citizenToken(base, person.idNumber), url: base, httpOnly: true, sameSite: 'Strict' }]);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } });

    await page.goto(`${base}/portal/security`);
    await page.getByRole('heading', { level: 1, name: 'Bảo mật tài khoản' }).waitFor();
    const section = page.getByTestId('security-passkeys');
    await section.getByLabel(/Tên khoá/).fill('Máy tính ở nhà');
    await section.getByRole('button', { name: 'Tạo khoá truy cập trên thiết bị này' }).click();
    await section.getByTestId('passkeys-notice').getByText('Đã thêm khoá truy cập Máy tính ở nhà.').waitFor();
    const item = section.getByTestId('passkey');
    assert.equal(await item.locator('.portal-item__title strong').textContent(), 'Máy tính ở nhà');
    await item.getByText('Chưa dùng').waitFor();
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1, 'the device holds the new passkey');
    assert.equal(credentials[0]!.isResidentCredential, true, 'a discoverable credential');
    await screenshot(page, 'portal-security-passkey');

    // Rename: the field has the old name, the new one is saved.
    await item.getByRole('button', { name: /Đổi tên/ }).click();
    assert.equal(await activeName(page), 'name');
    await item.getByLabel('Tên mới').fill('');
    await item.getByRole('button', { name: 'Lưu' }).click();
    await item.getByText('Nhập tên.').waitFor();
    await item.getByLabel('Tên mới').fill('Laptop cơ quan');
    await item.getByRole('button', { name: 'Lưu' }).click();
    await section.getByTestId('passkeys-notice').getByText('Đã đổi tên thành Laptop cơ quan.').waitFor();

    // Delete, after a question that takes the focus.
    await section.getByTestId('passkey').getByRole('button', { name: /Xoá/ }).click();
    await section.getByText('Xoá khoá truy cập Laptop cơ quan?', { exact: false }).waitFor();
    await section.getByRole('button', { name: 'Xoá khoá' }).click();
    await section.getByTestId('passkeys-notice').getByText('Đã xoá khoá truy cập Laptop cơ quan.').waitFor();
    await section.getByText('Bạn chưa có khoá truy cập nào.').waitFor();
    await context.close();
    assert.deepEqual(errors, [], 'no script errors in the page');
  });
});
