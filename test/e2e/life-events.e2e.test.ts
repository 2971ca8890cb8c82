/**
 * Life events on the person page in a real browser against the whole platform: the current place
 * of living (a missing legal basis shown next to its field, then recorded and seen in the history,
 * with one Idempotency-Key per submission), a server refusal shown next to its field with the typed
 * values kept, a death that turns the status to "đã mất", and a 360 px phone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { activeName, DESKTOP, hasNoHorizontalScroll, launchBrowser, PHONE, screenshot, signedIn, vnDay } from '../harness/browser.ts';
import { startTestServer } from '../harness/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const AN = { username: 'nguyen.van.an', password: 'Hoa-sen-trang-2025!', displayName: 'Nguyễn Văn An', roles: ['registrar'], provinceCode: '01' };
const RESIDENCE_BASIS = 'Luật Cư trú 2020, Điều 19';

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

async function openPerson(page: Page, idNumber: string, name: string) {
  await page.goto(`${server.baseUrl}/registry/people/${idNumber}`);
  const form = page.getByTestId('purpose-form');
  await form.getByLabel('Mục đích').selectOption('residence');
  await form.getByRole('button', { name: 'Xem hồ sơ' }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** The form field (label, hint, error, control) around the control labelled `label` in `scope`. */
function fieldError(page: Page, scope: ReturnType<Page['getByTestId']>, label: string) {
  // The inner locator of `has` is queried inside each field, so it starts from the page.
  return scope.locator('.field').filter({ has: page.getByLabel(label, { exact: true }) }).locator('.field__error');
}

describe('life events on the person page (browser)', () => {
  test('current place of living: legal basis required next to its field, then recorded and shown in the history', async () => {
    const keys: string[] = [];
    const { page, close } = await signedIn(browser, server.baseUrl, AN, {
      expectedFailures: /status of 400/,
      onPage: (p) =>
        p.on('request', (r: Request) => {
          if (r.method() === 'POST' && /\/current-residence$/.test(r.url())) keys.push(r.headers()['idempotency-key'] ?? '');
        }),
    });
    const name = 'Lê Văn Chuyển';
    const id = await bornViaApi(page, { fullName: name, sex: 'male', birthDate: '1990-04-12' });
    await openPerson(page, id, name);

    const section = page.getByTestId('life-events');
    await section.getByRole('heading', { level: 2, name: 'Sự kiện hộ tịch / cư trú' }).waitFor();
    await section.getByRole('button', { name: 'Thay đổi nơi ở hiện tại' }).click();
    const form = page.getByTestId('life-form-current');
    await form.waitFor();
    assert.equal(await form.getByLabel('Tỉnh, thành phố').inputValue(), '01', "the officer's province is preselected");
    await form.getByLabel('Xã, phường, đặc khu').selectOption({ label: 'Phường Ba Đình' });
    await form.getByLabel('Số nhà, đường phố, thôn, tổ').fill('Số 8, phố Kim Mã');

    // Without a legal basis: the message sits next to the field, which takes the focus; nothing is sent.
    await form.getByRole('button', { name: 'Ghi nhận nơi ở hiện tại' }).click();
    const basisError = fieldError(page, form, 'Căn cứ pháp lý');
    await basisError.waitFor();
    assert.match((await basisError.textContent()) ?? '', /Nêu căn cứ pháp lý\./);
    assert.equal(await activeName(page), 'legalBasis', 'focus on the legal basis');
    assert.equal(await form.getByLabel('Căn cứ pháp lý').getAttribute('aria-invalid'), 'true');
    assert.equal(await form.getByLabel('Số nhà, đường phố, thôn, tổ').inputValue(), 'Số 8, phố Kim Mã', 'typed address kept');
    assert.equal(keys.length, 0, 'nothing sent before the form is valid');
    await screenshot(page, 'life-current-error');

    await form.getByLabel('Căn cứ pháp lý').fill(RESIDENCE_BASIS);
    await form.getByLabel('Lý do').fill('Chuyển đến nơi ở mới');
    await form.getByRole('button', { name: 'Ghi nhận nơi ở hiện tại' }).click();

    // Back on the person page: the notice, the record read again, the history open with the new entry first.
    const notice = page.getByTestId('life-event-recorded');
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', /Đã ghi nhận: Thay đổi nơi ở hiện tại/);
    assert.equal(keys.length, 1);
    assert.match(keys[0]!, /^[0-9a-f-]{32,36}$/, 'an Idempotency-Key was sent');
    const events = page.getByTestId('history-event');
    await events.first().waitFor();
    assert.deepEqual(await events.getByRole('heading', { level: 3 }).allTextContents(), ['Thay đổi nơi ở hiện tại', 'Đăng ký khai sinh']);
    assert.equal(await events.first().getByTestId('history-legal-basis').textContent(), RESIDENCE_BASIS);
    const row = events.first().getByRole('row', { name: /Nơi ở hiện tại: địa chỉ/ });
    assert.match((await row.textContent()) ?? '', /Số 8, phố Kim Mã/);
    assert.match((await page.getByTestId('record-currentResidence').textContent()) ?? '', /Số 8, phố Kim Mã, Phường Ba Đình/);
    await screenshot(page, 'life-current-recorded');

    // A refusal from the server (temporary residence beyond 2 years) sits next to its field; typed values stay.
    await section.getByRole('button', { name: 'Đăng ký tạm trú' }).click();
    const temp = page.getByTestId('life-form-temporary');
    await temp.getByLabel('Xã, phường, đặc khu').selectOption({ label: 'Phường Ba Đình' });
    await temp.getByLabel('Số nhà, đường phố, thôn, tổ').fill('Số 3, ngõ 5 Liễu Giai');
    await temp.getByLabel('Tạm trú đến ngày').fill(vnDay(900));
    await temp.getByLabel('Căn cứ pháp lý').fill('Luật Cư trú 2020, Điều 27');
    await temp.getByRole('button', { name: 'Ghi nhận tạm trú' }).click();
    const untilError = fieldError(page, temp, 'Tạm trú đến ngày');
    await untilError.waitFor();
    assert.match((await untilError.textContent()) ?? '', /không quá 2 năm/);
    assert.equal(await activeName(page), 'until');
    assert.equal(await temp.getByLabel('Số nhà, đường phố, thôn, tổ').inputValue(), 'Số 3, ngõ 5 Liễu Giai', 'typed address kept on a refusal');
    await screenshot(page, 'life-temporary-server-error');

    // At 360 px the open form does not scroll sideways.
    await page.setViewportSize(PHONE);
    assert.ok(await hasNoHorizontalScroll(page), 'person page with a life-event form fits 360 px');
    await screenshot(page, 'life-form-phone');
    await page.setViewportSize(DESKTOP);
    await close();
  });

  test('a death is registered and the status reads "đã mất"', async () => {
    const { page, close } = await signedIn(browser, server.baseUrl, AN);
    const name = 'Trần Thị Thu';
    const id = await bornViaApi(page, { fullName: name, sex: 'female', birthDate: '1940-02-03' });
    await openPerson(page, id, name);
    await page.getByTestId('life-events').getByRole('button', { name: 'Đăng ký khai tử' }).click();
    const form = page.getByTestId('life-form-death');
    await form.getByLabel('Ngày mất').fill(vnDay(-2));
    await form.getByLabel('Căn cứ pháp lý').fill('Luật Hộ tịch 2014, Điều 33');
    await form.getByRole('button', { name: 'Ghi nhận khai tử' }).click();
    await page.getByTestId('life-event-recorded').waitFor();
    const status = page.locator('.person-sub .status');
    assert.equal(((await status.textContent()) ?? '').toLocaleLowerCase('vi'), 'đã mất');
    await page.getByTestId('history-event').first().getByRole('heading', { level: 3, name: 'Đăng ký khai tử' }).waitFor();
    assert.match((await page.getByTestId('life-events').textContent()) ?? '', /Không còn sự kiện nào/);
    await page.setViewportSize(PHONE);
    assert.ok(await hasNoHorizontalScroll(page), 'person page after the death fits 360 px');
    await screenshot(page, 'life-death-phone');
    await close();
  });
});
