/**
 * Household changes on the household page in a real browser against the whole platform: a
 * registrar adds a member (a wrong ID number first, the server's answer shown next to the field
 * with the typed values kept), then changes the head, and sees the member list read again; a
 * 360 px phone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { activeName, DESKTOP, hasNoHorizontalScroll, launchBrowser, PHONE, screenshot, signedIn } from '../harness/browser.ts';
import { startTestServer } from '../harness/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const AN = { username: 'nguyen.van.an', password: 'Hoa-sen-trang-2025!', displayName: 'Nguyễn Văn An', roles: ['registrar'], provinceCode: '01' };
const BASIS = 'Luật Cư trú 2020, Điều 25';

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

async function bornViaApi(page: Page, p: { fullName: string; sex: 'male' | 'female'; birthDate: string }): Promise<string> {
  const res = await page.request.post(`${server.baseUrl}/api/v1/registry/births`, {
    data: { legalBasis: 'Luật Hộ tịch 2014, Điều 16', fullName: p.fullName, sex: p.sex, birthDate: p.birthDate, birthRegistration: { provinceCode: '01', communeCode: '00004' } },
  });
  assert.equal(res.status(), 201, await res.text());
  return (await res.json()).idNumber;
}

async function householdViaApi(page: Page, headId: string): Promise<string> {
  const res = await page.request.post(`${server.baseUrl}/api/v1/registry/households`, {
    data: { legalBasis: 'Luật Cư trú 2020, Điều 20', headId, residence: { address: 'Số 15, phố Đội Cấn', provinceCode: '01', communeCode: '00004' } },
  });
  assert.equal(res.status(), 201, await res.text());
  return (await res.json()).householdNo;
}

/** The form field (label, hint, error, control) around the control labelled `label` in `scope`. */
function fieldError(page: Page, scope: ReturnType<Page['getByTestId']>, label: string) {
  return scope.locator('.field').filter({ has: page.getByLabel(label, { exact: true }) }).locator('.field__error');
}

/** Member rows as "name | relation". */
async function memberRows(page: Page): Promise<string[]> {
  const rows = page.getByTestId('household-members').locator('tbody tr');
  const out: string[] = [];
  for (const row of await rows.all()) {
    const cells = await row.getByRole('cell').allTextContents();
    out.push(`${cells[0]} | ${cells[1]}`);
  }
  return out.sort();
}

describe('household changes on the household page (browser)', () => {
  test('add a member (a wrong ID number first, shown next to its field), change the head, member list updated; 360 px', async () => {
    const keys: string[] = [];
    const { page, close } = await signedIn(browser, server.baseUrl, AN, {
      expectedFailures: /status of 404/,
      onPage: (p) =>
        p.on('request', (r: Request) => {
          if (r.method() === 'POST' && /\/households\/[^/]+\/(members|head)$/.test(r.url())) keys.push(r.headers()['idempotency-key'] ?? '');
        }),
    });
    const headId = await bornViaApi(page, { fullName: 'Phạm Văn Hùng', sex: 'male', birthDate: '1960-05-01' });
    const sonId = await bornViaApi(page, { fullName: 'Phạm Minh Khoa', sex: 'male', birthDate: '1988-09-09' });
    const no = await householdViaApi(page, headId);

    await page.goto(`${server.baseUrl}/registry/households/${no}`);
    await page.getByRole('heading', { level: 1, name: `Hộ ${no}` }).waitFor();
    assert.deepEqual(await memberRows(page), ['Phạm Văn Hùng | Chủ hộ']);

    const section = page.getByTestId('household-events');
    await section.getByRole('heading', { level: 2, name: 'Thay đổi hộ khẩu' }).waitFor();
    // Only one member: nothing to pick for a new head yet.
    assert.equal(await section.getByRole('button', { name: 'Thay đổi chủ hộ' }).count(), 0);
    await section.getByRole('button', { name: 'Nhập thành viên vào hộ' }).click();
    const form = page.getByTestId('household-form-member');
    await form.waitFor();

    // A well-formed ID number of nobody: the server's 404 sits next to the ID field, which takes the focus.
    const wrongId = sonId === '001099999999' ? '001099999998' : '001099999999';
    await form.getByLabel('Số định danh cá nhân của người nhập hộ').fill(wrongId);
    await form.getByLabel('Quan hệ với chủ hộ').fill('Con');
    await form.getByLabel('Căn cứ pháp lý').fill(BASIS);
    await form.getByRole('button', { name: 'Nhập vào hộ' }).click();
    const idError = fieldError(page, form, 'Số định danh cá nhân của người nhập hộ');
    await idError.waitFor();
    assert.match((await idError.textContent()) ?? '', new RegExp(`Không có công dân với số định danh ${wrongId}`));
    assert.equal(await activeName(page), 'idNumber', 'focus on the ID number');
    assert.equal(await form.getByLabel('Số định danh cá nhân của người nhập hộ').getAttribute('aria-invalid'), 'true');
    assert.equal(await form.getByLabel('Quan hệ với chủ hộ').inputValue(), 'Con', 'typed relation kept');
    assert.equal(await form.getByLabel('Căn cứ pháp lý').inputValue(), BASIS, 'typed legal basis kept');
    await screenshot(page, 'household-member-wrong-id');

    await form.getByLabel('Số định danh cá nhân của người nhập hộ').fill(sonId);
    await form.getByRole('button', { name: 'Nhập vào hộ' }).click();
    const notice = page.getByTestId('household-event-recorded');
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', /Đã ghi nhận: Nhập thành viên vào hộ/);
    await page.getByTestId('household-members').getByRole('link', { name: 'Phạm Minh Khoa' }).waitFor();
    assert.deepEqual(await memberRows(page), ['Phạm Minh Khoa | Con', 'Phạm Văn Hùng | Chủ hộ']);

    // Change the head to the new member; the former head becomes "Bố".
    await section.getByRole('button', { name: 'Thay đổi chủ hộ' }).click();
    const head = page.getByTestId('household-form-head');
    await head.getByLabel('Chủ hộ mới', { exact: true }).selectOption(sonId);
    await head.getByLabel('Quan hệ của chủ hộ cũ với chủ hộ mới').fill('Bố');
    await head.getByLabel('Căn cứ pháp lý').fill(BASIS);
    await head.getByRole('button', { name: 'Ghi nhận chủ hộ mới' }).click();
    await page.getByTestId('household-head').getByRole('link', { name: 'Phạm Minh Khoa' }).waitFor();
    assert.match((await notice.textContent()) ?? '', /Đã ghi nhận: Thay đổi chủ hộ/);
    assert.deepEqual(await memberRows(page), ['Phạm Minh Khoa | Chủ hộ', 'Phạm Văn Hùng | Bố']);
    assert.equal(keys.length, 3, 'two member attempts and one head change were sent');
    assert.ok(keys.every((k) => /^[0-9a-f-]{32,36}$/.test(k)), 'each carried an Idempotency-Key');
    await screenshot(page, 'household-head-changed');

    // At 360 px the page with an open form does not scroll sideways.
    await section.getByRole('button', { name: 'Xoá thành viên khỏi hộ' }).click();
    await page.getByTestId('household-form-remove').waitFor();
    await page.setViewportSize(PHONE);
    assert.ok(await hasNoHorizontalScroll(page), 'household page with a change form fits 360 px');
    await screenshot(page, 'household-form-phone');
    await page.setViewportSize(DESKTOP);
    await close();
  });
});
