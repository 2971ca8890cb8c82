/**
 * Officer sign-in in a real browser against the whole platform (real HTTP, real database):
 * wrong password, lockout, success, language switch, sign-out, phone width, keyboard only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hasNoHorizontalScroll, launchBrowser, PHONE, screenshot } from '../harness/browser.ts';
import { startTestServer } from '../harness/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const AN = {
  username: 'nguyen.van.an',
  password: 'Hoa-sen-trang-2025!',
  displayName: 'Nguyễn Văn An',
  roles: ['registrar'],
  provinceCode: '01',
  communeCode: '00004',
};
const AN_JURISDICTION = 'Phường Ba Đình, Thành phố Hà Nội';
const LOCKED = { username: 'tran.thi.binh', password: 'Cay-tre-xanh-2025!', displayName: 'Trần Thị Bình', roles: ['auditor'], provinceCode: null };

const DESKTOP = { width: 1280, height: 800 };

let server: TestServer;
let browser: Browser;

before(async () => {
  server = await startTestServer();
  await server.createOfficer(AN);
  await server.createOfficer(LOCKED);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh browser profile (no cookies, no stored language) for each journey. */
async function open(viewport = DESKTOP): Promise<{ page: Page; close(): Promise<void> }> {
  const context: BrowserContext = await browser.newContext({ viewport, locale: 'vi-VN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Refused sign-ins (401, 423) are logged by the browser as failed loads; anything else is a bug.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (401|423)/.test(m.text())) errors.push(`${m.text()} ${m.location().url}`);
  });
  await page.goto(server.baseUrl);
  await page.getByRole('heading', { level: 1, name: 'Đăng nhập cán bộ' }).waitFor();
  return {
    page,
    async close() {
      await context.close();
      assert.deepEqual(errors, [], 'no script errors in the page');
    },
  };
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
}

function activeField(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('name') ?? document.activeElement?.tagName ?? null);
}


describe('officer sign-in (browser)', () => {
  test('an empty form shows errors next to the fields and focuses the first one', async () => {
    const { page, close } = await open();
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.getByText('Nhập tên đăng nhập.').waitFor();
    await page.getByText('Nhập mật khẩu.').waitFor();
    assert.equal(await activeField(page), 'username');
    assert.equal(await page.getByLabel('Tên đăng nhập').getAttribute('aria-invalid'), 'true');
    await close();
  });

  test('a wrong password shows the Vietnamese error and keeps what was typed', async () => {
    const { page, close } = await open();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'vi');
    await screenshot(page, 'signin-desktop');
    await signIn(page, AN.username, 'khong-dung-mat-khau');
    const alert = page.getByRole('alert');
    await alert.getByText('Tên đăng nhập hoặc mật khẩu không đúng.').waitFor();
    assert.equal(await page.getByLabel('Tên đăng nhập').inputValue(), AN.username);
    assert.equal(await page.getByLabel('Mật khẩu').inputValue(), 'khong-dung-mat-khau');
    assert.equal(await activeField(page), 'password', 'focus goes to the password to retype');
    assert.equal(await page.getByRole('button', { name: 'Đăng nhập', exact: true }).isEnabled(), true);
    await screenshot(page, 'signin-error-desktop');
    await close();
  });

  test('a locked account shows the server’s explanation', async () => {
    const { page, close } = await open();
    for (let i = 0; i < 5; i++) await page.request.post(`${server.baseUrl}/api/v1/auth/login`, { data: { username: LOCKED.username, password: `sai-${i}-mat-khau` } });
    await signIn(page, LOCKED.username, LOCKED.password);
    await page.getByRole('alert').getByText('Tài khoản tạm khoá', { exact: false }).waitFor();
    assert.equal(await page.getByLabel('Tên đăng nhập').inputValue(), LOCKED.username);
    await close();
  });

  test('signing in shows the home page with the officer, role and jurisdiction; the session survives a reload', async () => {
    const { page, close } = await open();
    await signIn(page, AN.username, AN.password);
    await page.getByRole('heading', { level: 1, name: `Xin chào, ${AN.displayName}` }).waitFor();
    const header = page.getByTestId('officer');
    assert.match((await header.textContent()) ?? '', /Nguyễn Văn An/);
    assert.match((await header.textContent()) ?? '', /Cán bộ đăng ký/);
    assert.equal(await page.getByTestId('officer-jurisdiction').textContent(), AN_JURISDICTION);
    assert.equal(await page.getByTestId('home-jurisdiction').textContent(), AN_JURISDICTION);
    const nav = page.getByRole('navigation', { name: 'Phân hệ' });
    assert.equal(await nav.getByRole('link', { name: 'Trang chủ' }).getAttribute('aria-current'), 'page');
    // A built module is a link; modules not built yet are listed, marked, and not links.
    assert.equal(await nav.getByRole('link', { name: 'Dân cư' }).count(), 1);
    // The eID module is for card officers and supervisors: a registrar does not see it.
    assert.equal(await nav.getByRole('link', { name: /Định danh điện tử/ }).count(), 0);
    assert.match((await nav.textContent()) ?? '', /Khai thác dữ liệu\s*,?\s*sắp có/);
    assert.equal(await page.title(), 'Trang chủ — Open06');
    await screenshot(page, 'home-desktop');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: `Xin chào, ${AN.displayName}` }).waitFor();
    await close();
  });

  test('switching to English changes the texts, the page language and the server’s messages', async () => {
    const { page, close } = await open();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Officer sign-in' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');

    await page.getByLabel('Username').fill(AN.username);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').getByText('Wrong username or password.').waitFor();

    // A message already shown follows the switch back (the server sends both languages).
    await page.getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.getByRole('alert').getByText('Tên đăng nhập hoặc mật khẩu không đúng.').waitFor();
    await page.getByRole('button', { name: 'English' }).click();

    await page.getByLabel('Password').fill(AN.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: `Hello, ${AN.displayName}` }).waitFor();
    assert.match((await page.getByTestId('officer').textContent()) ?? '', /Registrar/);
    assert.match((await page.getByRole('navigation', { name: 'Modules' }).textContent()) ?? '', /Data exchange\s*,?\s*coming soon/);
    await screenshot(page, 'home-desktop-en');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: `Hello, ${AN.displayName}` }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', 'the choice is remembered');
    await close();
  });

  test('signing out returns to the sign-in page and ends the session', async () => {
    const { page, close } = await open();
    await signIn(page, AN.username, AN.password);
    await page.getByRole('heading', { level: 1, name: `Xin chào, ${AN.displayName}` }).waitFor();
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập cán bộ' }).waitFor();
    await page.getByText('Bạn đã đăng xuất.').waitFor();
    const me = await page.request.get(`${server.baseUrl}/api/v1/auth/me`);
    assert.equal(me.status(), 401);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập cán bộ' }).waitFor();
    await close();
  });

  test('at 360×740 nothing scrolls sideways, and the menu opens', async () => {
    const { page, close } = await open(PHONE);
    assert.ok(await hasNoHorizontalScroll(page), 'sign-in page fits 360 px');
    await screenshot(page, 'signin-phone');
    await signIn(page, 'nguyen.van.an', 'sai-mat-khau-roi');
    await page.getByRole('alert').getByText('Tên đăng nhập hoặc mật khẩu không đúng.').waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'sign-in page with an error fits 360 px');
    await page.getByLabel('Mật khẩu').fill(AN.password);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: `Xin chào, ${AN.displayName}` }).waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'home page fits 360 px');
    await screenshot(page, 'home-phone');
    const menu = page.getByRole('button', { name: 'Danh mục' });
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    await menu.click();
    await page.getByRole('navigation', { name: 'Phân hệ' }).getByRole('link', { name: 'Trang chủ' }).waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'open menu fits 360 px');
    await screenshot(page, 'home-phone-menu');
    await close();
  });

  test('keyboard only: skip link, Tab to the fields, Enter signs in, focus lands on the page heading', async () => {
    const { page, close } = await open();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Bỏ qua, đến nội dung chính');
    for (let i = 0; i < 10 && (await activeField(page)) !== 'username'; i++) await page.keyboard.press('Tab');
    assert.equal(await activeField(page), 'username');
    await page.keyboard.type(AN.username);
    await page.keyboard.press('Tab');
    assert.equal(await activeField(page), 'password');
    await page.keyboard.type(AN.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: `Xin chào, ${AN.displayName}` }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
    await close();
  });
});
