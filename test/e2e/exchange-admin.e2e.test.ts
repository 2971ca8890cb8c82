/**
 * The data-exchange administration pages in a real browser against the whole platform: an
 * administrator adds a member (problems next to the fields, the server's refusal of a taken code
 * next to that field with everything typed kept), registers a system with a pasted JWKS (a private
 * key refused in the page, a key the server refuses shown next to the box) and is shown its client
 * ID; grants it identity verification with some fields, a purpose and a provision; the system gets
 * a token with its own key and is answered; usage counters and the anomaly list show it; keys are
 * replaced, the grant revoked (the system is refused at once), the member suspended and reinstated
 * with a reason, the system disabled. Who registered a member and a system, and the system's keys
 * with kid and alg. Usage per day over a range chosen (table and chart; a bad range next to the
 * field), narrowed to one member or one system's service, seeded by partner calls; usage by hour;
 * each key with when and by whom it was added. Members filtered
 * and sorted; on a 360 px phone, with the keyboard, and in English.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { activeName, DESKTOP, hasNoHorizontalScroll, launchBrowser, PHONE, screenshot, signedIn as openSignedIn, vnDay } from '../harness/browser.ts';
import { officerHeaders, resident } from '../harness/eid.ts';
import { accessToken, ALWAYS, call, partnerKeys, PROVISION, type H } from '../harness/partner.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

const ROOT = { username: 'quan.tri.x', password: 'Quan-tri-trao-doi-2026!', displayName: 'Quản Trị Trao Đổi', roles: ['admin'], provinceCode: null };
const BANK = 'Ngân hàng TMCP Đồng Tiến';
const SYSTEM = 'eKYC mở tài khoản';
const PERSON = { fullName: 'Trần Thị Mai Anh', sex: 'female' as const, birthDate: '1992-03-08' };

let server: TestServer;
let browser: Browser;
let admin: H;
let idNumber = '';
/** A person made through the registry, added to a member's staff. */
let staffIdNumber = '';
/** A member and a system made through the API (for the phone and keyboard test). */
let other = { memberId: '', systemId: '', clientId: '', keys: null as unknown as Awaited<ReturnType<typeof partnerKeys>> };

const dmy = (d: string) => d.split('-').reverse().join('/');

before(async () => {
  server = await startTestServer();
  await server.createOfficer(ROOT);
  await server.createOfficer({ username: 'ho.tich.x', password: ROOT.password, displayName: 'Hộ Tịch', roles: ['registrar'], provinceCode: null });
  admin = await officerHeaders(server.baseUrl, ROOT.username, ROOT.password);
  const registrar = await officerHeaders(server.baseUrl, 'ho.tich.x', ROOT.password);
  idNumber = await resident(server.baseUrl, registrar, PERSON);
  staffIdNumber = await resident(server.baseUrl, registrar, { fullName: 'Lê Văn Quản', sex: 'male', birthDate: '1988-11-20' });
  // Members already there: a hospital (its code is taken), a telecom operator, a suspended school.
  const members: Record<string, string> = {};
  for (const [name, kind, code] of [['Bệnh viện Đa khoa Thử Nghiệm', 'hospital', 'BVTN'], ['Công ty Viễn thông Mẫu', 'telecom', 'VTM'], ['Trường Đại học Ví Dụ', 'school', 'DHVD']] as const) {
    const r = await call(server.baseUrl, 'POST', '/api/v1/exchange/admin/members', { name, kind, code }, admin);
    assert.equal(r.status, 201, r.text);
    members[code] = r.json.id;
  }
  assert.equal((await call(server.baseUrl, 'POST', `/api/v1/exchange/admin/members/${members.DHVD}/suspend`, undefined, admin)).status, 200);
  const keys = await partnerKeys('vtm-2026');
  const s = await call(server.baseUrl, 'POST', `/api/v1/exchange/admin/members/${members.VTM}/systems`, { name: 'Chuẩn hoá thuê bao', jwks: { keys: [keys.publicJwk] } }, admin);
  assert.equal(s.status, 201, s.text);
  other = { memberId: members.VTM!, systemId: s.json.id, clientId: s.json.clientId, keys };
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const signedIn = (opts: { viewport?: { width: number; height: number }; at?: string } = {}) => openSignedIn(browser, server.baseUrl, ROOT, { ...opts, expectedFailures: /status of (400|409)/ });

/** Waits until the member rows are these, in this order (each filter and sort is answered by the server). */
async function memberRows(page: Page, names: readonly string[]): Promise<void> {
  await page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll('[data-testid="member-row"]')].map((e) => e.getAttribute('data-name'))) === JSON.stringify(want), names);
}

/** The text of a cell of a table row, by the column's label. */
const cell = (row: ReturnType<Page['locator']>, label: string) => row.locator(`td[data-label="${label}"]`);

describe('data-exchange administration (browser)', () => {
  test('an admin adds a member, registers a system, grants identity verification, sees usage, revokes the grant', async () => {
    const { page, close } = await signedIn();
    await page.getByRole('navigation', { name: 'Phân hệ' }).getByRole('link', { name: 'Quản trị' }).click();
    await page.getByRole('heading', { level: 1, name: 'Quản trị hệ thống' }).waitFor();
    await page.getByRole('navigation', { name: 'Các trang quản trị' }).getByRole('link', { name: 'Thành viên khai thác dữ liệu' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thành viên khai thác dữ liệu' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
    await page.getByTestId('members-status').getByText('Đang hiển thị thành viên 1–3.').waitFor();

    // ---- a new member ----------------------------------------------------------------------------
    await page.getByRole('link', { name: 'Thêm thành viên' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thêm thành viên khai thác dữ liệu' }).waitFor();
    const memberForm = page.getByTestId('member-form');
    await memberForm.getByRole('button', { name: 'Thêm thành viên' }).click();
    await page.getByTestId('member-errors').getByText('Có 2 mục cần sửa').waitFor();
    await memberForm.getByText('Nhập tên tổ chức (ít nhất 2 ký tự).').waitFor();
    await page.getByTestId('member-kind').getByText('Chọn loại tổ chức.').waitFor();
    assert.equal(await activeName(page), 'name', 'focus on the first field to fix');

    // A code another member has: the server refuses, the reason is next to the code, all typed stays.
    await memberForm.getByLabel('Tên tổ chức').fill(BANK);
    await memberForm.getByRole('radio', { name: 'Ngân hàng, tổ chức tín dụng' }).check();
    await memberForm.getByLabel(/Mã số thuế hoặc mã cơ quan/).fill('BVTN');
    await memberForm.getByLabel(/Tỉnh, thành phố/).selectOption({ label: 'Thành phố Hà Nội' });
    await memberForm.getByLabel(/Liên hệ/).fill('Phòng Công nghệ, cntt@dongtien.example, 024 3333 4444');
    await memberForm.getByRole('button', { name: 'Thêm thành viên' }).click();
    await memberForm.getByText('Mã thành viên BVTN đã được dùng.').waitFor();
    assert.equal(await activeName(page), 'code', 'focus on the field the server refused');
    assert.equal(await memberForm.getByLabel('Tên tổ chức').inputValue(), BANK);
    assert.equal(await memberForm.getByRole('radio', { name: 'Ngân hàng, tổ chức tín dụng' }).isChecked(), true);
    assert.equal(await memberForm.getByLabel(/Tỉnh, thành phố/).inputValue(), '01');
    await screenshot(page, 'admin-exchange-member-form-error');
    await memberForm.getByLabel(/Mã số thuế hoặc mã cơ quan/).fill('NHDT');
    await memberForm.getByRole('button', { name: 'Thêm thành viên' }).click();

    await page.getByRole('heading', { level: 1, name: BANK }).waitFor();
    await page.getByTestId('admin-flash').getByText(`Đã thêm thành viên ${BANK}. Tiếp theo: đăng ký hệ thống của thành viên.`).waitFor();
    assert.match((await page.getByTestId('member-facts').textContent()) ?? '', /Ngân hàng, tổ chức tín dụng.*NHDT.*Thành phố Hà Nội.*cntt@dongtien\.example.*Đang hoạt động/);
    await page.getByText('Thành viên chưa có hệ thống nào.').waitFor();
    const memberUrl = page.url();

    // ---- a system with its public keys ------------------------------------------------------------
    await page.getByRole('link', { name: 'Đăng ký hệ thống' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng ký hệ thống' }).waitFor();
    const systemForm = page.getByTestId('system-form');
    const keys = await partnerKeys('dongtien-2026');
    await systemForm.getByLabel('Tên hệ thống').fill(SYSTEM);
    await systemForm.getByLabel('Khoá công khai (JWKS)').fill(JSON.stringify({ keys: [{ ...keys.publicJwk, d: 'private-part' }] }));
    await systemForm.getByRole('button', { name: 'Đăng ký hệ thống' }).click();
    await systemForm.getByText('Đây là khoá riêng (có trường "d"): chỉ dán khoá công khai.').waitFor();
    assert.equal(await activeName(page), 'jwks');
    // An encryption key: only the server sees the problem; its words come next to the box.
    await systemForm.getByLabel('Khoá công khai (JWKS)').fill(JSON.stringify({ keys: [{ ...keys.publicJwk, use: 'enc' }] }));
    await systemForm.getByRole('button', { name: 'Đăng ký hệ thống' }).click();
    await systemForm.getByText(/Khoá công khai không hợp lệ: key 0 has use "enc", expected "sig"/).waitFor();
    assert.equal(await activeName(page), 'jwks', 'focus on the key box');
    assert.equal(await systemForm.getByLabel('Tên hệ thống').inputValue(), SYSTEM, 'the name stays');
    await systemForm.getByLabel('Khoá công khai (JWKS)').fill(JSON.stringify({ keys: [keys.publicJwk] }, null, 2));
    await systemForm.getByRole('button', { name: 'Đăng ký hệ thống' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đã đăng ký hệ thống' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
    const clientId = ((await page.getByTestId('system-client-id').textContent()) ?? '').trim();
    assert.match(clientId, /^x-[A-Za-z0-9_-]{12}$/);
    await page.getByTestId('system-token-endpoint').getByText(`${server.baseUrl}/oidc/token`, { exact: true }).waitFor();
    await screenshot(page, 'admin-exchange-system-registered');

    // The system gets a token with its own key; with no grant, it is refused naming the service.
    const token = await accessToken(server.baseUrl, clientId, keys);
    const partner = { authorization: `Bearer ${token}` };
    const verify = (purpose = 'account_opening') => call(server.baseUrl, 'POST', '/api/v1/exchange/verify', { idNumber, purpose, fullName: PERSON.fullName, birthDate: PERSON.birthDate }, partner);
    const refused = await verify();
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.json.code, 'EXCHANGE_SERVICE_NOT_GRANTED');

    // ---- a grant ------------------------------------------------------------------------------------
    await page.getByRole('link', { name: 'Cấp quyền dịch vụ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cấp quyền dịch vụ' }).waitFor();
    const grantForm = page.getByTestId('grant-form');
    await grantForm.getByRole('button', { name: 'Cấp quyền', exact: true }).click();
    await page.getByTestId('grant-errors').getByText('Có 2 mục cần sửa').waitFor();
    await page.getByTestId('grant-service').getByText('Chọn một dịch vụ.').waitFor();
    assert.equal(await activeName(page), 'service');

    await grantForm.getByRole('radio', { name: 'Xác thực thông tin công dân' }).check();
    await page.getByTestId('grant-service-description').getByText(/không trả dữ liệu nào khác/).waitFor();
    const fields = page.getByTestId('grant-fields');
    for (const f of ['Họ, chữ đệm và tên (fullName)', 'Ngày sinh (birthDate)', 'Còn sống hay đã mất (personStatus)']) await fields.getByRole('checkbox', { name: f }).check();
    await page.getByTestId('grant-purposes').getByRole('checkbox', { name: 'Mở tài khoản, định danh khách hàng điện tử (eKYC)' }).check();
    await page.getByTestId('grant-basis').getByRole('radio', { name: /Quy định pháp luật/ }).check();
    await grantForm.getByLabel('Điều khoản').fill('Luật');
    await grantForm.getByLabel('Hiệu lực từ ngày').fill(vnDay());
    await grantForm.getByLabel('Đến hết ngày').fill(vnDay(-1));
    await grantForm.getByRole('button', { name: 'Cấp quyền', exact: true }).click();
    await page.getByTestId('grant-errors').getByText('Có 2 mục cần sửa').waitFor();
    await grantForm.getByText('Ghi điều khoản làm căn cứ (ít nhất 5 ký tự).').waitFor();
    await grantForm.getByText('Ngày hết hiệu lực phải từ ngày bắt đầu hiệu lực trở đi.').waitFor();
    assert.equal(await activeName(page), 'provision');
    assert.equal(await fields.getByRole('checkbox', { name: 'Ngày sinh (birthDate)' }).isChecked(), true, 'the choices stay');
    await grantForm.getByLabel('Điều khoản').fill('Luật Căn cước 2023, Điều 10');
    await grantForm.getByLabel('Đến hết ngày').fill(vnDay(365));
    await grantForm.getByLabel(/Hạn mức mỗi ngày/).fill('5000');
    await screenshot(page, 'admin-exchange-grant-form');
    await grantForm.getByRole('button', { name: 'Cấp quyền', exact: true }).click();

    await page.getByRole('heading', { level: 1, name: SYSTEM }).waitFor();
    await page.getByTestId('admin-flash').getByText(new RegExp(`Đã cấp quyền số \\d+ cho hệ thống ${SYSTEM}\\.`)).waitFor();
    const grantRow = page.getByTestId('grant-row');
    // The grants list loads after the page's heading and flash: wait for it before counting.
    await grantRow.first().waitFor();
    assert.equal(await grantRow.count(), 1);
    assert.equal(await grantRow.getByTestId('grant-service').textContent(), 'Xác thực thông tin công dân');
    assert.deepEqual(await cell(grantRow, 'Trường thông tin').locator('li').allTextContents(), ['Họ, chữ đệm và tên', 'Ngày sinh', 'Còn sống hay đã mất']);
    assert.equal(await cell(grantRow, 'Mục đích').textContent(), 'Mở tài khoản, định danh khách hàng điện tử (eKYC)');
    assert.equal(await cell(grantRow, 'Căn cứ pháp lý').textContent(), 'Luật Căn cước 2023, Điều 10');
    assert.equal(await grantRow.getByTestId('grant-validity').textContent(), `${dmy(vnDay())} – ${dmy(vnDay(365))}`);
    assert.equal(await grantRow.getByTestId('grant-quota').textContent(), '5.000/ngày');
    assert.equal(await grantRow.getByTestId('grant-state').textContent(), 'Đang hiệu lực');
    await page.getByTestId('system-keys').getByText('1 khoá: dongtien-2026').waitFor();
    await screenshot(page, 'admin-exchange-system');
    const systemUrl = page.url();

    // The system is answered now, for the purpose granted only.
    const ok = await verify();
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.outcome, 'match');
    assert.equal(ok.json.personStatus, 'living');
    const wrongPurpose = await verify('credit_assessment');
    assert.equal(wrongPurpose.json.code, 'EXCHANGE_PURPOSE_NOT_GRANTED', wrongPurpose.text);
    // The telecom operator's system, which has no grant, is refused once.
    const telecom = await call(server.baseUrl, 'POST', '/api/v1/exchange/verify', { idNumber, purpose: 'sim_registration' }, { authorization: `Bearer ${await accessToken(server.baseUrl, other.clientId, other.keys)}` });
    assert.equal(telecom.json.code, 'EXCHANGE_SERVICE_NOT_GRANTED', telecom.text);

    // ---- usage and anomalies ----------------------------------------------------------------------
    await page.getByRole('navigation', { name: 'Các trang quản trị' }).getByRole('link', { name: 'Lưu lượng và bất thường' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lưu lượng và bất thường' }).waitFor();
    await page.getByTestId('usage-status').getByText(/1 lượt gọi, 1 lượt công dân được tra cứu, 3 yêu cầu bị từ chối\./).waitFor();
    const usageMember = page.getByTestId('usage-member').filter({ hasText: BANK });
    assert.equal(await cell(usageMember, 'Lượt gọi').textContent(), '1');
    assert.equal(await cell(usageMember, 'Bị từ chối').textContent(), '2');
    // Bars against the largest of the column: the telecom operator's 1 refusal is half the bank's 2.
    const telecomMember = page.getByTestId('usage-member').filter({ hasText: 'Công ty Viễn thông Mẫu' });
    assert.equal(await cell(telecomMember, 'Lượt gọi').textContent(), '0');
    const barWidth = async (row: ReturnType<Page['locator']>) => cell(row, 'Bị từ chối').locator('.bar__fill').evaluate((e) => e.getBoundingClientRect().width);
    const [full, half] = [await barWidth(usageMember), await barWidth(telecomMember)];
    assert.ok(full > 20 && Math.abs(half / full - 0.5) < 0.05, `bars ${full} and ${half}`);
    assert.equal(await cell(telecomMember, 'Lượt gọi').locator('.bar__fill').evaluate((e) => e.getBoundingClientRect().width), 0);
    const usageRow = page.getByTestId('usage-system').filter({ hasText: SYSTEM });
    assert.equal(await cell(usageRow, 'Dịch vụ').textContent(), 'Xác thực thông tin công dân');
    assert.equal(await cell(usageRow, 'Công dân được tra cứu').textContent(), '1');
    // No system reads 1,000 people: none flagged; with a threshold of 1, the new system is (it has no history).
    await page.getByTestId('anomalies-status').getByText(/Không có hệ thống nào bất thường trong 24 giờ qua/).waitFor();
    const anomalyForm = page.getByTestId('anomaly-form');
    await anomalyForm.getByLabel('Số công dân tối thiểu').fill('0');
    await anomalyForm.getByRole('button', { name: 'Kiểm tra' }).click();
    await anomalyForm.getByText('Nhập một số nguyên dương.').waitFor();
    assert.equal(await activeName(page), 'minPeople');
    await anomalyForm.getByLabel('Số công dân tối thiểu').fill('1');
    await anomalyForm.getByRole('button', { name: 'Kiểm tra' }).click();
    await page.getByTestId('anomalies-status').getByText(/^1 hệ thống bất thường trong 24 giờ qua/).waitFor();
    const anomaly = page.getByTestId('anomaly');
    assert.match((await anomaly.textContent()) ?? '', new RegExp(`${SYSTEM}.*${BANK}.*1.*Chưa có lịch sử.*Mới, chưa có lịch sử`));
    // Sorting the usage table by a column.
    await page.getByTestId('usage-members').getByRole('button', { name: /Thành viên/ }).click();
    assert.equal(await page.getByTestId('usage-members').locator('th[aria-sort="ascending"]').count(), 1);
    await screenshot(page, 'admin-exchange-usage');

    // ---- key rotation, revocation -----------------------------------------------------------------
    await anomaly.getByRole('link', { name: SYSTEM }).click();
    await page.getByRole('heading', { level: 1, name: SYSTEM }).waitFor();
    const next = await partnerKeys('dongtien-2027');
    await page.getByRole('button', { name: 'Thay khoá công khai' }).click();
    assert.equal(await activeName(page), 'jwks', 'focus in the key box');
    await page.getByTestId('keys-form').getByLabel('Khoá công khai (JWKS)').fill(JSON.stringify({ keys: [keys.publicJwk, next.publicJwk] }));
    await page.getByTestId('keys-form').getByRole('button', { name: 'Lưu khoá mới' }).click();
    await page.getByTestId('admin-flash').getByText(`Đã thay khoá công khai của hệ thống ${SYSTEM}.`).waitFor();
    await page.getByTestId('system-keys').getByText('2 khoá: dongtien-2026, dongtien-2027').waitFor();
    await accessToken(server.baseUrl, clientId, next); // the new key works

    const grantId = await grantRow.getAttribute('data-grant-id');
    await grantRow.getByRole('button', { name: `Thu hồi #${grantId}` }).click();
    const confirm = page.getByTestId('grant-confirm');
    await confirm.getByText(`Thu hồi quyền số ${grantId} (Xác thực thông tin công dân)?`, { exact: false }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('x-confirm__question')), true, 'focus on the question');
    // "No" returns to the button that asked.
    await confirm.getByRole('button', { name: 'Không, giữ nguyên' }).click();
    await page.waitForFunction((id) => document.activeElement?.textContent === `Thu hồi #${id}`, grantId);
    await grantRow.getByRole('button', { name: `Thu hồi #${grantId}` }).click();
    await confirm.getByRole('button', { name: 'Xác nhận thu hồi' }).click();
    await page.getByTestId('admin-flash').getByText(`Đã thu hồi quyền số ${grantId}.`).waitFor();
    await grantRow.getByTestId('grant-state').getByText(/^Đã thu hồi lúc/).waitFor();
    assert.equal(await grantRow.getByRole('button').filter({ hasText: 'Thu hồi' }).count(), 0);
    const afterRevoke = await verify();
    assert.equal(afterRevoke.json.code, 'EXCHANGE_SERVICE_NOT_GRANTED', 'refused at once');

    // ---- suspension with a reason -----------------------------------------------------------------
    await page.goto(memberUrl);
    await page.getByRole('heading', { level: 1, name: BANK }).waitFor();
    await page.getByTestId('system-row').getByRole('link', { name: SYSTEM }).waitFor();
    await page.getByRole('button', { name: 'Tạm dừng khai thác dữ liệu' }).click();
    const suspend = page.getByTestId('member-confirm');
    await suspend.getByRole('button', { name: 'Xác nhận tạm dừng' }).click();
    await suspend.getByText('Nhập lý do (ít nhất 3 ký tự).').waitFor();
    assert.equal(await activeName(page), 'reason');
    await suspend.getByLabel('Lý do').fill('Công văn số 12/CV-C06 ngày 20/11: rà soát kết nối');
    await suspend.getByLabel('Lý do').press('Enter');
    await page.getByTestId('admin-flash').getByText(`Đã tạm dừng ${BANK}.`).waitFor();
    await page.getByTestId('member-status').getByText('Đang tạm dừng').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cho khai thác dữ liệu trở lại', 'focus back on the action');
    const suspended = await call(server.baseUrl, 'POST', '/api/v1/exchange/verify', { idNumber, purpose: 'account_opening' }, partner);
    assert.ok(suspended.status === 401 || suspended.status === 403, suspended.text);
    await page.getByRole('button', { name: 'Cho khai thác dữ liệu trở lại' }).click();
    await page.getByTestId('member-confirm').getByLabel('Lý do').fill('Đã khắc phục theo biên bản ngày 22/11');
    await page.getByTestId('member-confirm').getByRole('button', { name: 'Xác nhận cho khai thác trở lại' }).click();
    await page.getByTestId('member-status').getByText('Đang hoạt động').waitFor();

    // ---- disabling the system ---------------------------------------------------------------------
    await page.goto(systemUrl);
    await page.getByRole('heading', { level: 1, name: SYSTEM }).waitFor();
    await page.getByTestId('system-facts').getByRole('button', { name: 'Vô hiệu hoá' }).click();
    await page.getByTestId('system-confirm').getByRole('button', { name: 'Xác nhận vô hiệu hoá' }).click();
    await page.getByTestId('admin-flash').getByText(`Đã vô hiệu hoá hệ thống ${SYSTEM}.`).waitFor();
    await page.getByTestId('system-status').getByText(/^Đã vô hiệu hoá lúc/).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Cấp quyền dịch vụ' }).count(), 0, 'no new grant for a disabled system');

    // ---- the list: filter by kind and status, sort ------------------------------------------------
    await page.getByRole('navigation', { name: 'Các trang quản trị' }).getByRole('link', { name: 'Thành viên khai thác dữ liệu' }).click();
    await page.getByTestId('members-status').getByText('Đang hiển thị thành viên 1–4.').waitFor();
    const bankRow = page.locator(`[data-testid="member-row"][data-name="${BANK}"]`);
    assert.equal(await cell(bankRow, 'Hệ thống').textContent(), '1 (0 đang hoạt động)');
    // Each filter asks the server again.
    await page.getByLabel('Loại tổ chức').selectOption({ label: 'Bệnh viện, cơ sở khám chữa bệnh' });
    await memberRows(page, ['Bệnh viện Đa khoa Thử Nghiệm']);
    await page.getByTestId('members-status').getByText('Đang hiển thị thành viên 1–1.').waitFor();
    await page.getByLabel('Loại tổ chức').selectOption({ label: 'Tất cả các loại' });
    await page.getByLabel('Trạng thái').selectOption({ label: 'Đang tạm dừng' });
    await memberRows(page, ['Trường Đại học Ví Dụ']);
    await page.getByLabel('Trạng thái').selectOption({ label: 'Tất cả trạng thái' });
    await page.getByLabel('Lọc theo tên hoặc mã số').fill('dong tien');
    await memberRows(page, [BANK]);
    await page.getByLabel('Lọc theo tên hoặc mã số').fill('');
    await memberRows(page, ['Bệnh viện Đa khoa Thử Nghiệm', 'Công ty Viễn thông Mẫu', BANK, 'Trường Đại học Ví Dụ']);
    await page.getByRole('button', { name: /Thành viên/ }).click(); // already by name: now descending
    await memberRows(page, ['Trường Đại học Ví Dụ', BANK, 'Công ty Viễn thông Mẫu', 'Bệnh viện Đa khoa Thử Nghiệm']);
    assert.equal(await page.getByTestId('members').locator('th[aria-sort="descending"]').textContent(), 'Thành viên▼');
    assert.equal(await page.getByTestId('pager').count(), 0, 'one page: no pager');
    await screenshot(page, 'admin-exchange-members');
    await close();
  });

  test('an admin adds a member\'s staff (an unknown ID number refused next to the field) and removes them', async () => {
    const { page, close } = await signedIn({ at: `/admin/exchange/members/${other.memberId}` });
    const staff = page.getByTestId('member-staff');
    await staff.getByRole('heading', { level: 2, name: 'Nhân sự' }).waitFor();
    await staff.getByText('Thành viên chưa có nhân sự nào.').waitFor();
    const unknown = staffIdNumber === '001099000001' ? '001099000002' : '001099000001';
    await staff.getByLabel('Số định danh cá nhân').fill(unknown);
    await staff.getByRole('radio', { name: 'Quản lý' }).check();
    await staff.getByRole('button', { name: 'Thêm nhân sự' }).click();
    await staff.getByTestId('staff-form').getByText('Không có công dân mang số định danh này.').waitFor();
    assert.equal(await staff.getByLabel('Số định danh cá nhân').getAttribute('aria-invalid'), 'true');
    assert.equal(await staff.getByLabel('Số định danh cá nhân').inputValue(), unknown, 'what was typed is kept');
    assert.ok(await staff.getByRole('radio', { name: 'Quản lý' }).isChecked(), 'the role is kept');
    assert.equal(await activeName(page), 'idNumber', 'focus on the field');
    await staff.getByLabel('Số định danh cá nhân').fill(staffIdNumber);
    await staff.getByRole('button', { name: 'Thêm nhân sự' }).click();
    await staff.getByTestId('staff-flash').getByText(`Đã thêm ${staffIdNumber} với vai trò Quản lý.`).waitFor();
    const row = staff.locator(`[data-testid="staff-row"][data-id-number="${staffIdNumber}"]`);
    await cell(row, 'Vai trò').getByText('Quản lý').waitFor();
    assert.match((await cell(row, 'Người thêm').textContent()) ?? '', /\S/);
    assert.equal(await staff.getByLabel('Số định danh cá nhân').inputValue(), '', 'the form is emptied');
    const listed = await call(server.baseUrl, 'GET', `/api/v1/exchange/admin/members/${other.memberId}/staff`, undefined, admin);
    assert.deepEqual(listed.json.items.map((i: { idNumber: string; role: string }) => [i.idNumber, i.role]), [[staffIdNumber, 'manager']]);
    await row.getByRole('button', { name: `Gỡ ${staffIdNumber}` }).click();
    await staff.getByTestId('staff-confirm').getByText(/^Gỡ .* khỏi nhân sự của Công ty Viễn thông Mẫu\?/).waitFor();
    await staff.getByRole('button', { name: 'Xác nhận gỡ' }).click();
    await staff.getByTestId('staff-flash').getByText(`Đã gỡ ${staffIdNumber} khỏi nhân sự.`).waitFor();
    await staff.getByText('Thành viên chưa có nhân sự nào.').waitFor();
    const after = await call(server.baseUrl, 'GET', `/api/v1/exchange/admin/members/${other.memberId}/staff?includeRemoved=true`, undefined, admin);
    assert.ok(after.json.items.some((i: { idNumber: string; removedAt: string | null }) => i.idNumber === staffIdNumber && i.removedAt), after.text);
    await screenshot(page, 'admin-exchange-member-staff');
    await close();
  });

  test('a member\'s and a system\'s page say who registered them; the system\'s keys are listed with kid and alg', async () => {
    const creator = `${ROOT.displayName} (${ROOT.username})`;
    for (const viewport of [DESKTOP, PHONE]) {
      const { page, close } = await signedIn({ viewport, at: `/admin/exchange/members/${other.memberId}` });
      await page.getByRole('heading', { level: 1, name: 'Công ty Viễn thông Mẫu' }).waitFor();
      assert.equal(await page.getByTestId('member-created-by').textContent(), creator);
      await page.getByTestId('system-row').getByRole('link', { name: 'Chuẩn hoá thuê bao' }).click();
      await page.getByRole('heading', { level: 1, name: 'Chuẩn hoá thuê bao' }).waitFor();
      assert.equal(await page.getByTestId('system-created-by').textContent(), creator);
      assert.equal(await page.getByTestId('system-keys').textContent(), `1 khoá: ${other.keys.kid} (${other.keys.publicJwk.alg})`);
      // The key history: when and by whom the key was added (as the system view says), and no key removed.
      const history = page.getByTestId('system-key-history');
      await history.getByTestId('system-key').first().waitFor();
      const addedAt = (await call(server.baseUrl, 'GET', `/api/v1/exchange/admin/systems/${other.systemId}`, undefined, admin)).json.keys[0].addedAt as string;
      const at = new Date(Date.parse(addedAt) + 7 * 3_600_000).toISOString();
      assert.equal(await history.getByTestId('system-key-added').textContent(), `Thêm lúc ${at.slice(8, 10)}/${at.slice(5, 7)}/${at.slice(0, 4)} ${at.slice(11, 16)} bởi ${creator}`);
      await history.getByText('Khoá đã gỡ').waitFor();
      await history.getByText('Chưa gỡ khoá nào.').waitFor();
      assert.ok(await hasNoHorizontalScroll(page), `the system page fits ${viewport.width} px`);
      await close();
    }
  });

  test('usage per day: a range, its table and chart, a bad range next to the field, one member or one system\'s service', async () => {
    // A member of its own whose system is answered twice and refused once, all through the partner API.
    const m = await call(server.baseUrl, 'POST', '/api/v1/exchange/admin/members', { name: 'Quỹ Tín dụng Theo Ngày', kind: 'bank', code: 'QTDTN' }, admin);
    assert.equal(m.status, 201, m.text);
    const keys = await partnerKeys('qtdtn-2026');
    const s = await call(server.baseUrl, 'POST', `/api/v1/exchange/admin/members/${m.json.id}/systems`, { name: 'Xác minh khách vay', jwks: { keys: [keys.publicJwk] } }, admin);
    assert.equal(s.status, 201, s.text);
    const g = await call(server.baseUrl, 'POST', `/api/v1/exchange/admin/systems/${s.json.id}/grants`, { ...ALWAYS, service: 'identity_verification', fields: ['fullName', 'birthDate'], purposes: ['account_opening'], basis: PROVISION }, admin);
    assert.equal(g.status, 201, g.text);
    const partner = { authorization: `Bearer ${await accessToken(server.baseUrl, s.json.clientId, keys)}` };
    const calls = { answered: 2, refused: 1 };
    for (let i = 0; i < calls.answered; i++) assert.equal((await call(server.baseUrl, 'POST', '/api/v1/exchange/verify', { idNumber, purpose: 'account_opening', fullName: PERSON.fullName, birthDate: PERSON.birthDate }, partner)).status, 200);
    assert.equal((await call(server.baseUrl, 'POST', '/api/v1/exchange/verify', { idNumber, purpose: 'credit_assessment' }, partner)).status, 403);
    // Another member's system, with no grant, is refused too: "all members" counts more than the one.
    const telecom = await call(server.baseUrl, 'POST', '/api/v1/exchange/verify', { idNumber, purpose: 'sim_registration' }, { authorization: `Bearer ${await accessToken(server.baseUrl, other.clientId, other.keys)}` });
    assert.equal(telecom.status, 403, telecom.text);

    for (const viewport of [DESKTOP, PHONE]) {
      const { page, close } = await signedIn({ viewport, at: '/admin/exchange/usage' });
      const daily = page.getByTestId('usage-daily');
      await daily.getByRole('heading', { level: 2, name: 'Sử dụng theo ngày' }).waitFor();
      // The last 30 days first, today included.
      await daily.getByTestId('usage-daily-status').getByText(`Tất cả thành viên, từ ${vnDay(-29)} đến ${vnDay()}:`, { exact: false }).waitFor();
      assert.equal(await daily.getByTestId('usage-day').count(), 30);

      // A bad range: the reason next to the field, the focus on it, the dates typed kept.
      const form = daily.getByTestId('usage-daily-form');
      await form.getByLabel('Từ ngày').fill(vnDay(-1));
      await form.getByLabel('Đến hết ngày').fill(vnDay(-2));
      await form.getByRole('button', { name: 'Xem' }).click();
      await form.getByText('Ngày kết thúc phải từ ngày bắt đầu trở đi.').waitFor();
      assert.equal(await activeName(page), 'to');
      assert.equal(await form.getByLabel('Đến hết ngày').getAttribute('aria-invalid'), 'true');
      assert.deepEqual([await form.getByLabel('Từ ngày').inputValue(), await form.getByLabel('Đến hết ngày').inputValue()], [vnDay(-1), vnDay(-2)]);
      await form.getByLabel('Từ ngày').fill(vnDay(-100));
      await form.getByLabel('Đến hết ngày').fill(vnDay());
      await form.getByRole('button', { name: 'Xem' }).click();
      await form.getByText('Chọn tối đa 92 ngày.').waitFor();
      assert.equal(await form.getByLabel('Từ ngày').inputValue(), vnDay(-100));

      // A week: seven days, oldest first, with the chart.
      await form.getByLabel('Từ ngày').fill(vnDay(-6));
      await form.getByRole('button', { name: 'Xem' }).click();
      await daily.getByTestId('usage-daily-status').getByText(`Tất cả thành viên, từ ${vnDay(-6)} đến ${vnDay()}:`, { exact: false }).waitFor();
      assert.equal(await form.getByText('Chọn tối đa 92 ngày.').count(), 0, 'the error is gone');
      assert.deepEqual(await daily.getByTestId('usage-day').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-day'))), [-6, -5, -4, -3, -2, -1, 0].map((d) => vnDay(d)));
      assert.equal(await daily.getByTestId('usage-daily-chart').locator('rect').count(), 7);
      assert.ok(await daily.getByTestId('usage-daily-chart').isVisible());

      // All members today, as the API counts them; then one member, then its system's one service.
      const api = await call(server.baseUrl, 'GET', `/api/v1/exchange/admin/usage/daily?from=${vnDay(-6)}&to=${vnDay()}`, undefined, admin);
      const today = daily.locator(`[data-testid="usage-day"][data-day="${vnDay()}"]`);
      const all = api.json.days.at(-1);
      assert.deepEqual([await cell(today, 'Lượt gọi').textContent(), await cell(today, 'Bị từ chối').textContent()], [String(all.calls), String(all.refused)]);
      assert.ok(all.refused > calls.refused, 'another member was refused today too');
      const scope = daily.getByLabel('Hiển thị');
      for (const label of ['Quỹ Tín dụng Theo Ngày', 'Quỹ Tín dụng Theo Ngày — Xác minh khách vay — Xác thực thông tin công dân']) {
        await scope.selectOption({ label });
        await daily.getByTestId('usage-daily-status').getByText(`${label}, từ ${vnDay(-6)} đến ${vnDay()}: ${calls.answered} lượt gọi.`).waitFor();
        assert.deepEqual([await cell(today, 'Lượt gọi').textContent(), await cell(today, 'Bị từ chối').textContent()], [String(calls.answered), String(calls.refused)]);
        assert.deepEqual(await daily.getByTestId('usage-day').locator('td[data-label="Lượt gọi"]').allTextContents(), ['0', '0', '0', '0', '0', '0', String(calls.answered)]);
      }
      assert.ok(await hasNoHorizontalScroll(page), `the usage per day fits ${viewport.width} px`);
      await screenshot(page, `admin-exchange-usage-daily-${viewport.width}`);
      await close();
    }
  });

  test('usage by hour: the last 24 hours in a table and a chart, the current hour as the API counts it', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const { page, close } = await signedIn({ viewport, at: '/admin/exchange/usage' });
      const section = page.getByTestId('usage-daily');
      await section.getByRole('heading', { level: 2, name: 'Sử dụng theo ngày' }).waitFor();
      await section.getByTestId('usage-by').getByLabel('Theo giờ').check();
      await section.getByRole('heading', { level: 2, name: 'Sử dụng theo giờ' }).waitFor();
      const rows = section.getByTestId('usage-hour');
      await rows.first().waitFor();
      assert.equal(await rows.count(), 24);
      assert.equal(await section.getByTestId('usage-hourly-chart').locator('rect').count(), 24);
      const api = await call(server.baseUrl, 'GET', '/api/v1/exchange/admin/usage/hourly', undefined, admin);
      const now = api.json.hours.at(-1);
      const row = section.locator(`[data-testid="usage-hour"][data-hour="${now.hour}"]`);
      assert.equal(await cell(row, 'Lượt gọi').textContent(), String(now.calls));
      assert.ok(await hasNoHorizontalScroll(page), `the usage per hour fits ${viewport.width} px`);
      await screenshot(page, `admin-exchange-usage-hourly-${viewport.width}`);
      await close();
    }
  });

  test('on a 360 px phone, with the keyboard, and in English', async () => {
    const { page, close } = await signedIn({ viewport: PHONE, at: '/admin/exchange/members' });
    await page.getByRole('heading', { level: 1, name: 'Thành viên khai thác dữ liệu' }).waitFor();
    await page.getByTestId('member-row').first().waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'the members fit 360 px');
    await screenshot(page, 'admin-exchange-members-phone');
    for (const [at, ready] of [
      [`/admin/exchange/members/${other.memberId}`, 'system-row'],
      [`/admin/exchange/systems/${other.systemId}`, 'system-facts'],
      [`/admin/exchange/members/${other.memberId}/systems/new`, 'system-form'],
      ['/admin/exchange/members/new', 'member-form'],
      ['/admin/exchange/usage', 'anomalies-status'],
    ] as const) {
      await page.goto(`${server.baseUrl}${at}`);
      await page.getByTestId(ready).first().waitFor();
      assert.ok(await hasNoHorizontalScroll(page), `${at} fits 360 px`);
    }
    await page.goto(`${server.baseUrl}/admin/exchange/systems/${other.systemId}/grants/new`);
    await page.getByTestId('grant-form').getByRole('radio', { name: 'Khai thác thông tin công dân' }).check();
    await page.getByTestId('grant-fields').waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'the grant form fits 360 px');
    await screenshot(page, 'admin-exchange-grant-form-phone');

    // With the keyboard only: a new member from the list.
    await page.goto(`${server.baseUrl}/admin/exchange/members`);
    await page.getByRole('heading', { level: 1, name: 'Thành viên khai thác dữ liệu' }).waitFor();
    for (let i = 0; i < 20 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Thêm thành viên'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Thêm thành viên khai thác dữ liệu' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus on the new page heading');
    await page.keyboard.press('Tab');
    assert.equal(await activeName(page), 'name');
    await page.keyboard.type('Bộ Y tế');
    await page.keyboard.press('Tab');
    assert.equal(await activeName(page), 'kind');
    await page.keyboard.press('Space'); // the first kind: a ministry
    await page.keyboard.press('Tab');
    assert.equal(await activeName(page), 'code');
    await page.keyboard.type('BYT');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Bộ Y tế' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
    assert.match((await page.getByTestId('member-facts').textContent()) ?? '', /Bộ, cơ quan ngang bộ.*BYT/);
    // Suspend with the keyboard: Tab to the button, Enter; the reason, Enter.
    for (let i = 0; i < 20 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Tạm dừng khai thác dữ liệu'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    assert.equal(await activeName(page), 'reason');
    await page.keyboard.type('Thử nghiệm bằng bàn phím');
    await page.keyboard.press('Enter');
    await page.getByTestId('member-status').getByText('Đang tạm dừng').waitFor();

    // In English.
    await page.setViewportSize(DESKTOP);
    await page.goto(`${server.baseUrl}/admin/exchange/systems/${other.systemId}/grants/new`);
    await page.getByRole('heading', { level: 1, name: 'Cấp quyền dịch vụ' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Grant a service' }).waitFor();
    await page.getByTestId('grant-form').getByRole('button', { name: 'Grant', exact: true }).click();
    await page.getByTestId('grant-errors').getByText('Choose a service.').waitFor();
    await page.getByRole('navigation', { name: 'Administration pages' }).getByRole('link', { name: 'Usage and anomalies' }).click();
    await page.getByRole('heading', { level: 1, name: 'Usage and anomalies' }).waitFor();
    await page.getByTestId('anomalies-status').getByText(/^No unusual system in the last 24 hours/).waitFor();
    await close();
  });

  test('the members list pages and sorts on the server: 25 more members, 20 a page, with the keyboard', async () => {
    const names = Array.from({ length: 25 }, (_, i) => `Hợp tác xã Phân Trang ${String(i + 1).padStart(2, '0')}`);
    for (const [i, name] of names.entries()) {
      const r = await call(server.baseUrl, 'POST', '/api/v1/exchange/admin/members', { name, kind: 'other', code: `HTX-${i + 1}` }, admin);
      assert.equal(r.status, 201, r.text);
    }
    const { page, close } = await signedIn({ at: '/admin/exchange/members' });
    await page.getByRole('heading', { level: 1, name: 'Thành viên khai thác dữ liệu' }).waitFor();
    await page.getByLabel('Lọc theo tên hoặc mã số').fill('phan trang');
    await memberRows(page, names.slice(0, 20));
    await page.getByTestId('members-status').getByText('Đang hiển thị thành viên 1–20.').waitFor();
    const pager = page.getByRole('navigation', { name: 'Các trang' });
    await pager.getByText('Trang 1').waitFor();
    assert.equal(await pager.getByRole('button', { name: 'Trang trước' }).isDisabled(), true);

    // The next page with the keyboard; at the last page the focus moves to "previous page".
    await pager.getByRole('button', { name: 'Trang sau' }).focus();
    await page.keyboard.press('Enter');
    await memberRows(page, names.slice(20));
    await page.getByTestId('members-status').getByText('Đang hiển thị thành viên 21–25.').waitFor();
    await pager.getByText('Trang 2').waitFor();
    assert.equal(await pager.getByRole('button', { name: 'Trang sau' }).isDisabled(), true);
    assert.match((await page.evaluate(() => document.activeElement?.textContent)) ?? '', /Trang trước/, 'the focus is not lost');
    await screenshot(page, 'admin-exchange-members-paged');

    // Sorting with the keyboard: by name descending (back to the first page), then by registration.
    const table = page.getByTestId('members');
    await table.getByRole('button', { name: /Thành viên/ }).focus();
    await page.keyboard.press('Enter');
    await memberRows(page, [...names].reverse().slice(0, 20));
    assert.equal(await table.locator('th[aria-sort="descending"]').count(), 1);
    await pager.getByText('Trang 1').waitFor();
    await table.getByRole('button', { name: /Ngày đăng ký/ }).press('Enter');
    await memberRows(page, names.slice(0, 20));
    assert.equal(await table.getByRole('columnheader', { name: /Ngày đăng ký/ }).getAttribute('aria-sort'), 'ascending');
    assert.equal(await table.getByRole('columnheader', { name: /Thành viên/ }).getAttribute('aria-sort'), 'none');
    await pager.getByRole('button', { name: 'Trang sau' }).click();
    await memberRows(page, names.slice(20));
    await close();
  });
});
