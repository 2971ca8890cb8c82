/**
 * The administration pages in a real browser against the whole platform: an administrator creates
 * an officer (errors next to the fields first, what was typed kept when the server refuses),
 * changes the officer's roles and jurisdiction, disables the account (which then cannot sign in),
 * cannot lock themself out; registers OpenID Connect clients (pasted JWKS checked in the page, a
 * client secret shown once), replaces a client's keys and disables one. On a phone too, and in English.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { activeName, DESKTOP, hasNoHorizontalScroll, launchBrowser, PHONE, screenshot, signedIn as openSignedIn } from '../harness/browser.ts';
import { call } from '../harness/eid.ts';
import { clientKeys } from '../harness/oidc.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

const ROOT = { username: 'quan.tri', password: 'Quan-tri-he-thong-2026!', displayName: 'Quản Trị Viên', roles: ['admin'], provinceCode: null };
const NEW = { username: 'pham.thi.thu', displayName: 'Phạm Thị Thu', password: 'Hoa-cuc-vang-mua-thu-2026' };

let server: TestServer;
let browser: Browser;

before(async () => {
  server = await startTestServer();
  await server.createOfficer(ROOT);
  await server.createOfficer({ username: 'kiem.toan', password: ROOT.password, displayName: 'Kiểm Toán', roles: ['auditor'], provinceCode: null });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const signedIn = (opts: { viewport?: { width: number; height: number }; at?: string } = {}) => openSignedIn(browser, server.baseUrl, ROOT, { ...opts, expectedFailures: /status of (400|409)/ });

describe('administration (browser)', () => {
  test('an admin creates an officer, changes roles and jurisdiction, disables the account', async () => {
    const { page, close } = await signedIn();
    await page.getByRole('navigation', { name: 'Phân hệ' }).getByRole('link', { name: 'Quản trị' }).click();
    await page.getByRole('heading', { level: 1, name: 'Quản trị hệ thống' }).waitFor();
    await page.getByRole('navigation', { name: 'Các trang quản trị' }).getByRole('link', { name: 'Cán bộ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tài khoản cán bộ' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
    await page.getByTestId('officers-status').getByText('Đang hiển thị cán bộ 1–2.').waitFor();

    await page.getByRole('link', { name: 'Thêm cán bộ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Thêm cán bộ' }).waitFor();

    // Nothing filled: every problem next to its field, focus on the first.
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
    const errors = page.getByTestId('officer-errors');
    await errors.getByText('Có 4 mục cần sửa').waitFor();
    assert.equal(await activeName(page), 'username');
    await page.getByTestId('officer-form').getByText('Nhập tên đăng nhập.').waitFor();
    await page.getByTestId('officer-roles').getByText('Chọn ít nhất một vai trò.').waitFor();

    // A username already taken: the server says so next to the field; everything typed stays.
    await page.getByLabel('Tên đăng nhập').fill('kiem.toan');
    await page.getByLabel('Họ và tên').fill(NEW.displayName);
    await page.getByLabel('Mật khẩu ban đầu').fill(NEW.password);
    await page.getByRole('checkbox', { name: 'Cán bộ đăng ký' }).check();
    await page.getByLabel(/Tỉnh, thành phố/).selectOption({ label: 'Thành phố Hà Nội' });
    await page.getByLabel(/Xã, phường/).selectOption({ label: 'Phường Ba Đình' });
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await page.getByTestId('officer-form').getByText('Đã có người dùng tên này.').waitFor();
    assert.equal(await activeName(page), 'username', 'focus on the field the server refused');
    assert.equal(await page.getByLabel('Họ và tên').inputValue(), NEW.displayName);
    assert.equal(await page.getByLabel('Mật khẩu ban đầu').inputValue(), NEW.password);
    assert.equal(await page.getByRole('checkbox', { name: 'Cán bộ đăng ký' }).isChecked(), true);
    assert.equal(await page.getByLabel(/Xã, phường/).inputValue(), '00004');
    await screenshot(page, 'admin-officer-form-error');

    await page.getByLabel('Tên đăng nhập').fill(NEW.username);
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await page.getByTestId('admin-flash').getByText(`Đã tạo tài khoản ${NEW.username}.`).waitFor();
    const row = page.locator(`[data-testid="officer-row"][data-username="${NEW.username}"]`);
    assert.match((await row.textContent()) ?? '', /Phạm Thị Thu.*Cán bộ đăng ký.*Phường Ba Đình, Thành phố Hà Nội.*Đang hoạt động/);
    await screenshot(page, 'admin-officers');

    // The new officer signs in.
    assert.equal((await call(server.baseUrl, 'POST', '/api/v1/auth/login', { username: NEW.username, password: NEW.password, bearer: true })).status, 200);

    // Edit: another role, the whole province of Hồ Chí Minh City.
    await row.getByRole('link', { name: NEW.username }).click();
    await page.getByRole('heading', { level: 1, name: `Cán bộ ${NEW.displayName}` }).waitFor();
    await page.getByRole('checkbox', { name: 'Cán bộ cấp thẻ' }).check();
    await page.getByLabel(/Tỉnh, thành phố/).selectOption({ label: 'Thành phố Hồ Chí Minh' });
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.getByTestId('admin-flash').getByText(`Đã lưu thay đổi của ${NEW.username}.`).waitFor();
    assert.match((await row.textContent()) ?? '', /Cán bộ đăng ký, Cán bộ cấp thẻ.*Thành phố Hồ Chí Minh.*Đang hoạt động/);

    // Disable: the account is marked, and sign-in is refused.
    await row.getByRole('link', { name: NEW.username }).click();
    await page.getByRole('radio', { name: /Vô hiệu hoá/ }).check();
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.getByTestId('admin-flash').waitFor();
    assert.match((await row.textContent()) ?? '', /Đã vô hiệu hoá/);
    assert.equal((await call(server.baseUrl, 'POST', '/api/v1/auth/login', { username: NEW.username, password: NEW.password, bearer: true })).status, 403);

    // Sorting and filtering without diacritics.
    await page.getByLabel('Lọc theo họ tên hoặc tên đăng nhập').fill('pham thi');
    await page.getByTestId('officers-status').getByText('Đang hiển thị cán bộ 1–1.').waitFor();
    await page.getByLabel('Lọc theo họ tên hoặc tên đăng nhập').fill('');
    await page.getByTestId('officers-status').getByText('Đang hiển thị cán bộ 1–3.').waitFor();
    await page.getByRole('button', { name: /Họ tên/ }).click();
    await page.getByRole('columnheader', { name: /Họ tên/ }).and(page.locator('[aria-sort="ascending"]')).waitFor();
    await page.locator('table[data-testid="officers"]:not([aria-busy])').waitFor();
    assert.deepEqual(await page.getByTestId('officer-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-username'))), ['kiem.toan', NEW.username, ROOT.username]);

    // The administrator's own account: a warning, and the server refuses a self lock-out.
    await page.locator(`[data-testid="officer-row"][data-username="${ROOT.username}"]`).getByRole('link').click();
    await page.getByText('Đây là tài khoản của bạn', { exact: false }).waitFor();
    await page.getByRole('radio', { name: /Vô hiệu hoá/ }).check();
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.getByTestId('officer-errors').getByText(/không thể tự vô hiệu hoá tài khoản của mình/).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'officer-errors', 'focus on the message');
    assert.equal(await page.getByRole('radio', { name: /Vô hiệu hoá/ }).isChecked(), true, 'the choice stays');
    await close();
  });

  test('the officers list pages and sorts on the server, filtered by role, province and status', async () => {
    // 22 more officers: two pages of 20 and more.
    for (let i = 1; i <= 22; i++) {
      const n = String(i).padStart(2, '0');
      await server.createOfficer({ username: `trang.${n}`, password: ROOT.password, displayName: `Cán Bộ Trang ${n}`, roles: i % 2 ? ['registrar'] : ['card_officer'], provinceCode: i <= 3 ? '79' : '01' });
    }
    const { page, close } = await signedIn({ at: '/admin/officers' });
    const status = page.getByTestId('officers-status');
    const usernames = () => page.locator('table[data-testid="officers"]:not([aria-busy])').getByTestId('officer-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-username')));
    await status.getByText('Đang hiển thị cán bộ 1–20.').waitFor();
    assert.deepEqual((await usernames()).slice(0, 3), ['kiem.toan', NEW.username, ROOT.username]);

    const pager = page.getByTestId('pager');
    await pager.getByRole('button', { name: /Trang sau/ }).click();
    await status.getByText('Đang hiển thị cán bộ 21–25.').waitFor();
    assert.deepEqual(await usernames(), ['trang.18', 'trang.19', 'trang.20', 'trang.21', 'trang.22']);
    assert.equal(await pager.getByRole('button', { name: /Trang sau/ }).isDisabled(), true);
    assert.match((await page.evaluate(() => document.activeElement?.textContent)) ?? '', /Trang trước/, 'focus moves to the button that still works');

    // Newest first: back to the first page.
    await page.getByRole('button', { name: /Ngày tạo/ }).click();
    await page.getByRole('button', { name: /Ngày tạo/ }).click();
    await page.getByRole('columnheader', { name: /Ngày tạo/ }).and(page.locator('[aria-sort="descending"]')).waitFor();
    await status.getByText('Đang hiển thị cán bộ 1–20.').waitFor();
    assert.deepEqual((await usernames()).slice(0, 2), ['trang.22', 'trang.21']);

    await page.getByLabel('Vai trò', { exact: true }).selectOption({ label: 'Cán bộ cấp thẻ' });
    await page.getByLabel('Tỉnh, thành phố').selectOption({ label: 'Thành phố Hồ Chí Minh' });
    await status.getByText('Đang hiển thị cán bộ 1–2.').waitFor();
    assert.deepEqual(await usernames(), ['trang.02', NEW.username]);
    await page.getByLabel('Trạng thái', { exact: true }).selectOption({ label: 'Đã vô hiệu hoá' });
    await status.getByText('Đang hiển thị cán bộ 1–1.').waitFor();
    assert.deepEqual(await usernames(), [NEW.username]);
    await screenshot(page, 'admin-officers-filtered');
    await close();
  });

  test('an admin registers OpenID Connect clients, replaces keys, disables one', async () => {
    const { page, close } = await signedIn({ at: '/admin/oidc-clients' });
    await page.getByRole('heading', { level: 1, name: 'Ứng dụng OpenID Connect' }).waitFor();
    // The portal itself is listed and cannot be changed here.
    await page.locator('[data-client-id="open06-portal"]').getByText('Ứng dụng của chính hệ thống: không sửa ở đây.').waitFor();

    await page.getByRole('link', { name: 'Đăng ký ứng dụng' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng ký ứng dụng OpenID Connect' }).waitFor();
    const form = page.getByTestId('client-form');

    // Checked in the page: the purpose in one language only, no redirect URI, a private key pasted.
    await form.getByLabel('Tổ chức', { exact: true }).fill('Ngân hàng TMCP Ví Dụ');
    await form.getByLabel(/Mục đích \(tiếng Việt\)/).fill('Mở tài khoản thanh toán trực tuyến');
    await form.getByRole('checkbox', { name: /Số định danh cá nhân/ }).check();
    const keys = await clientKeys('vidu-2026');
    await form.getByLabel('Khoá công khai (JWKS)', { exact: true }).fill(JSON.stringify({ keys: [{ ...keys.jwks.keys[0], d: 'private-part' }] }));
    await form.getByRole('button', { name: 'Đăng ký ứng dụng' }).click();
    const errs = page.getByTestId('client-errors');
    await errs.getByText('Có 3 mục cần sửa').waitFor();
    await form.getByText('Nhập mục đích bằng cả hai thứ tiếng, hoặc để trống cả hai.').waitFor();
    await form.getByText('Nhập ít nhất một địa chỉ chuyển hướng.').waitFor();
    await form.getByText('Đây là khoá riêng (có trường "d"): chỉ dán khoá công khai.').waitFor();
    assert.equal(await activeName(page), 'purposeEn', 'focus on the first field to fix');

    await form.getByLabel(/Mục đích \(tiếng Anh\)/).fill('Opening a payment account online');
    await form.getByLabel('Địa chỉ chuyển hướng sau đăng nhập').fill('https://vidu.example/eid/callback');
    await form.getByLabel('Khoá công khai (JWKS)', { exact: true }).fill(JSON.stringify(keys.jwks, null, 2));
    await form.getByLabel(/Mã ứng dụng/).fill('vidu-bank');
    await form.getByRole('radio', { name: /Mức 2/ }).check();
    await screenshot(page, 'admin-oidc-client-form');
    await form.getByRole('button', { name: 'Đăng ký ứng dụng' }).click();
    await page.getByTestId('admin-flash').getByText('Đã đăng ký Ngân hàng TMCP Ví Dụ, mã ứng dụng vidu-bank.').waitFor();
    const item = page.locator('[data-client-id="vidu-bank"]');
    assert.match((await item.textContent()) ?? '', /Dịch vụ đăng nhập bằng định danh điện tử.*Mở tài khoản thanh toán trực tuyến.*Số định danh cá nhân.*Mức 2.*https:\/\/vidu\.example\/eid\/callback.*1 khoá: vidu-2026/);
    await screenshot(page, 'admin-oidc-clients');

    // The same ID again is refused in the page (the server would replace the client).
    await page.getByRole('link', { name: 'Đăng ký ứng dụng' }).click();
    await form.getByLabel('Tổ chức', { exact: true }).fill('Ngân hàng khác');
    await form.getByLabel(/Mã ứng dụng/).fill('vidu-bank');
    await form.getByLabel('Địa chỉ chuyển hướng sau đăng nhập').fill('https://khac.example/cb');
    await form.getByRole('radio', { name: /Mật khẩu ứng dụng do hệ thống tạo/ }).check();
    await form.getByRole('button', { name: 'Đăng ký ứng dụng' }).click();
    await form.getByText('Đã có ứng dụng mã vidu-bank; chọn mã khác.').waitFor();
    assert.equal(await activeName(page), 'clientId');

    // A relying party with a generated secret: shown this once.
    await form.getByLabel(/Mã ứng dụng/).fill('khac-bank');
    await form.getByRole('button', { name: 'Đăng ký ứng dụng' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đã đăng ký ứng dụng' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
    assert.match((await page.getByTestId('client-secret-value').textContent()) ?? '', /^[A-Za-z0-9_-]{40,}$/);
    await page.getByRole('link', { name: 'Về danh sách ứng dụng' }).click();
    await page.locator('[data-client-id="khac-bank"]').getByText('Mật khẩu ứng dụng (client_secret_basic)').waitFor();

    // Replace the keys of the first client: old and new together (a rotation).
    const next = await clientKeys('vidu-2027');
    await item.getByRole('button', { name: /Thay khoá công khai/ }).click();
    const keysForm = item.getByTestId('keys-form');
    assert.equal(await activeName(page), 'jwks', 'focus in the key box');
    await keysForm.getByLabel('Khoá công khai (JWKS)', { exact: true }).fill('{ "keys": ');
    await keysForm.getByRole('button', { name: 'Lưu khoá mới' }).click();
    await keysForm.getByText(/Không đọc được JSON/).waitFor();
    await keysForm.getByLabel('Khoá công khai (JWKS)', { exact: true }).fill(JSON.stringify({ keys: [...keys.jwks.keys, ...next.jwks.keys] }));
    await keysForm.getByRole('button', { name: 'Lưu khoá mới' }).click();
    await page.getByTestId('admin-flash').getByText('Đã thay khoá công khai của Ngân hàng TMCP Ví Dụ.').waitFor();
    await item.getByTestId('client-keys').getByText('2 khoá: vidu-2026, vidu-2027').waitFor();

    // Disable, after a question.
    await item.getByRole('button', { name: /Vô hiệu hoá/ }).click();
    await item.getByTestId('client-confirm').waitFor();
    await item.getByRole('button', { name: 'Xác nhận vô hiệu hoá' }).click();
    await page.getByTestId('admin-flash').getByText('Đã vô hiệu hoá Ngân hàng TMCP Ví Dụ.').waitFor();
    await item.getByText(/Đã vô hiệu hoá lúc/).waitFor();
    const list = await call(server.baseUrl, 'GET', '/api/v1/admin/oidc-clients', undefined, { authorization: `Bearer ${(await call(server.baseUrl, 'POST', '/api/v1/auth/login', { username: ROOT.username, password: ROOT.password, bearer: true })).json.token}` });
    assert.ok(list.json.items.find((c: any) => c.clientId === 'vidu-bank').disabledAt, 'disabled on the server');

    // Filtered and sorted by the server.
    const shown = () => page.locator('[data-testid="clients"]:not([aria-busy])').getByTestId('client').evaluateAll((els) => els.map((e) => e.getAttribute('data-client-id')));
    const status = page.getByTestId('clients-status');
    await page.getByLabel('Lọc theo tổ chức hoặc mã ứng dụng').fill('ngan hang');
    await status.getByText('Đang hiển thị ứng dụng 1–2.').waitFor();
    assert.deepEqual(await shown(), ['vidu-bank', 'khac-bank'], 'registration order');
    await page.getByLabel('Sắp xếp').selectOption({ label: 'Tên tổ chức A–Z' });
    await page.locator('[data-testid="clients"]:not([aria-busy]) [data-testid="client"]').first().and(page.locator('[data-client-id="khac-bank"]')).waitFor();
    assert.deepEqual(await shown(), ['khac-bank', 'vidu-bank']);
    await page.getByLabel('Trạng thái', { exact: true }).selectOption({ label: 'Đã vô hiệu hoá' });
    await status.getByText('Đang hiển thị ứng dụng 1–1.').waitFor();
    assert.deepEqual(await shown(), ['vidu-bank']);
    await page.getByLabel('Loại', { exact: true }).selectOption({ label: 'Ứng dụng của hệ thống' });
    await status.getByText('Không có ứng dụng nào phù hợp.').waitFor();
    await close();
  });

  test('on a 360 px phone and in English', async () => {
    const { page, close } = await signedIn({ viewport: PHONE, at: '/admin/officers' });
    await page.getByRole('heading', { level: 1, name: 'Tài khoản cán bộ' }).waitFor();
    await page.getByTestId('officer-row').first().waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'officers fit 360 px');
    await screenshot(page, 'admin-officers-phone');
    await page.goto(`${server.baseUrl}/admin/officers/new`);
    await page.getByRole('heading', { level: 1, name: 'Thêm cán bộ' }).waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'the officer form fits 360 px');
    await page.goto(`${server.baseUrl}/admin/oidc-clients`);
    await page.getByTestId('client').first().waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'clients fit 360 px');
    await screenshot(page, 'admin-oidc-clients-phone');
    await page.goto(`${server.baseUrl}/admin/oidc-clients/new`);
    await page.getByRole('heading', { level: 1, name: 'Đăng ký ứng dụng OpenID Connect' }).waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'the client form fits 360 px');

    await page.setViewportSize(DESKTOP);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Register an OpenID Connect client' }).waitFor();
    await page.getByRole('button', { name: 'Register the client' }).click();
    await page.getByTestId('client-errors').getByText('Enter the organisation’s name (at least 2 characters).').waitFor();
    await close();
  });
});
