/**
 * The eID sign-in pages of our OpenID Connect provider in a real browser: a relying party sends
 * the citizen there; the pages are in Vietnamese with an English switch, fit a phone, work with
 * the keyboard, keep what was typed on an error, ask for consent naming the organisation and the
 * fields, and send the citizen back with an authorization code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, hasNoHorizontalScroll, activeName, PHONE, DESKTOP } from '../harness/browser.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { clientKeys, rp, client } from '../harness/oidc.ts';
import { CITIZEN_PASSWORD, call, officerHeaders, resident, level1Account } from '../harness/eid.ts';

const OFFICER_PASSWORD = 'correct-horse-battery-staple';
let server: TestServer;
let browser: Browser;
let config: client.Configuration;
let callback: string;
const citizen = { idNumber: '', fullName: 'Võ Thị Sáu', birthDate: '1995-01-15', phone: '0913000001' };

before(async () => {
  server = await startTestServer();
  const base = server.baseUrl;
  callback = `${base}/rp-demo/callback`;
  await server.createOfficer({ username: 'hotich', password: OFFICER_PASSWORD, displayName: 'Hộ tịch', roles: ['registrar'], provinceCode: null });
  await server.createOfficer({ username: 'quantri', password: OFFICER_PASSWORD, displayName: 'Quản trị', roles: ['admin'], provinceCode: null });
  citizen.idNumber = await resident(base, await officerHeaders(base, 'hotich', OFFICER_PASSWORD), { fullName: citizen.fullName, sex: 'female', birthDate: citizen.birthDate });
  await level1Account(base, citizen);
  const keys = await clientKeys();
  const c = await call(base, 'POST', '/api/v1/admin/oidc-clients', { clientId: 'bhxh', kind: 'relying_party', organisation: 'Bảo hiểm xã hội Việt Nam', purpose: { vi: 'Tra cứu quá trình đóng bảo hiểm', en: 'Looking up your insurance contributions' }, redirectUris: [callback], jwks: keys.jwks, scopes: ['profile', 'id_number', 'residence'] }, await officerHeaders(base, 'quantri', OFFICER_PASSWORD));
  assert.equal(c.status, 201, JSON.stringify(c.json));
  config = await rp(`${base}/oidc`, 'bhxh', keys);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function authorizationUrl(scope = 'openid profile id_number residence', extra: Record<string, string> = {}): Promise<string> {
  return client.buildAuthorizationUrl(config, { ...extra, redirect_uri: callback, scope, state: client.randomState(), code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' }).href;
}

async function open(viewport: { width: number; height: number }): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport, locale: 'vi-VN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of (400|401|403|404)/.test(m.text())) errors.push(m.text()); });
  return { page, async close() { await context.close(); assert.deepEqual(errors, [], 'no script errors or CSP violations'); } };
}

describe('eID sign-in pages (browser)', () => {
  test('on a phone: Vietnamese, labelled, errors keep what was typed, keyboard only, consent, back with a code', async () => {
    const { page, close } = await open(PHONE);
    await page.goto(await authorizationUrl());
    await page.getByRole('heading', { level: 1, name: 'Đăng nhập bằng định danh điện tử' }).waitFor();
    await page.getByText('Bảo hiểm xã hội Việt Nam đề nghị bạn đăng nhập.').waitFor();
    assert.ok(await hasNoHorizontalScroll(page), 'fits a 360 px screen');
    await screenshot(page, 'eid-signin-phone');

    // Submitting nothing: each missing field is named, next to the field and in the summary.
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByLabel('Số định danh cá nhân').getAttribute('aria-invalid'), 'true');
    assert.equal(await activeName(page), 'idNumber');

    // A wrong password: a message that does not say whether the ID number has an account; the ID number stays.
    await page.getByLabel('Số định danh cá nhân').fill(citizen.idNumber);
    await page.getByLabel('Mật khẩu').fill('khong-dung-mat-khau');
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByLabel('Số định danh cá nhân').inputValue(), citizen.idNumber);
    assert.equal(await activeName(page), 'password', 'focus is on the password to type it again');
    await screenshot(page, 'eid-signin-error-phone');

    // Keyboard only from here: type the password, Enter.
    await page.keyboard.type(CITIZEN_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Chia sẻ thông tin' }).waitFor();
    for (const field of ['Họ tên, ngày sinh, giới tính', 'Số định danh cá nhân', 'Nơi thường trú, tạm trú, nơi ở hiện tại', 'Tra cứu quá trình đóng bảo hiểm']) await page.getByText(field).first().waitFor();
    assert.ok(await hasNoHorizontalScroll(page));
    await screenshot(page, 'eid-consent-phone');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Đồng ý chia sẻ', 'the decision has focus');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(callback)), page.keyboard.press('Enter')]);
    const back = new URL(page.url());
    assert.ok(back.searchParams.get('code'), 'an authorization code came back');
    await close();
  });

  test('in English on a desktop; deny sends the citizen back with access_denied', async () => {
    const { page, close } = await open(DESKTOP);
    // Consent was given in the first journey; the client asks again explicitly.
    await page.goto(await authorizationUrl('openid profile', { prompt: 'consent' }));
    await page.getByRole('link', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in with eID' }).waitFor();
    await page.getByLabel('Personal ID number').fill(citizen.idNumber);
    await page.getByLabel('Password').fill(CITIZEN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Share information' }).waitFor();
    await screenshot(page, 'eid-consent-en');
    await Promise.all([page.waitForURL((u) => u.href.startsWith(callback)), page.getByRole('button', { name: 'Deny' }).click()]);
    assert.equal(new URL(page.url()).searchParams.get('error'), 'access_denied');
    await close();
  });
});
