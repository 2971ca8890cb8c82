/**
 * The eID counter in a real browser against the whole platform (real HTTP, real database): a card
 * officer in Hà Nội issues a card through the API, saves its chip files as an NFC reader would,
 * uploads them on the counter page with a face match and a phone, and sees the activation; a
 * tampered EF.SOD is refused with the failed check shown next to its field, the form keeping what
 * was typed; the lookup shows the account pending activation. Both pages also on a 360 px phone.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot, hasNoHorizontalScroll, signedIn, PHONE } from '../harness/browser.ts';
import { startTestServer } from '../harness/server.ts';
import { call, officerHeaders, resident } from '../harness/eid.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const HA = { username: 'tran.thi.ha', password: 'Sen-vang-cap-the-2026!', displayName: 'Trần Thị Hà', roles: ['card_officer'], provinceCode: '01' };
const REG = { username: 'le.van.dang', password: 'Hoa-dao-dang-ky-2026!', displayName: 'Lê Văn Đăng', roles: ['registrar'], provinceCode: '01' };

let server: TestServer;
let browser: Browser;
let dir = '';

/** A resident with a first card; its chip written to files as a reader saves them. */
async function personWithChip(officer: Record<string, string>, registrar: Record<string, string>, p: { fullName: string; sex: 'male' | 'female'; birthDate: string }) {
  const idNumber = await resident(server.baseUrl, registrar, p);
  const card = await call(server.baseUrl, 'POST', `/api/v1/cards/people/${idNumber}/cards`, { kind: 'first_issue', legalBasis: 'Luật Căn cước 2023, Điều 23', reason: 'Cấp lần đầu' }, officer);
  assert.equal(card.status, 201, JSON.stringify(card.json));
  const chip = card.json.chip as { sod: string; dataGroups: Record<string, string> };
  const files: Record<string, string> = {};
  const sub = path.join(dir, idNumber);
  await fs.mkdir(sub);
  for (const [name, b64] of [['EF.SOD', chip.sod], ['EF.DG1', chip.dataGroups.DG1], ['EF.DG2', chip.dataGroups.DG2], ['EF.DG13', chip.dataGroups.DG13]] as const) {
    if (!b64) continue;
    files[name] = path.join(sub, `${name}.bin`);
    await fs.writeFile(files[name], Buffer.from(b64, 'base64'));
  }
  const sod = Buffer.from(chip.sod, 'base64');
  sod[sod.length - 40] = sod[sod.length - 40]! ^ 0xff; // inside the signature: passive authentication must fail
  files.tampered = path.join(sub, 'EF.SOD.tampered.bin');
  await fs.writeFile(files.tampered, sod);
  return { idNumber, files };
}

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'open06-eid-counter-'));
  server = await startTestServer();
  await server.createOfficer(HA);
  await server.createOfficer(REG);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('eID counter (browser)', () => {
  test('a card officer verifies level 2 from the chip files; a tampered SOD is refused with the reason; the lookup shows the account pending activation', async () => {
    const officer = await officerHeaders(server.baseUrl, HA.username, HA.password);
    const registrar = await officerHeaders(server.baseUrl, REG.username, REG.password);
    const { idNumber, files } = await personWithChip(officer, registrar, { fullName: 'Đỗ Minh Châu', sex: 'female', birthDate: '1990-03-08' });
    const phone = '0912345678';

    const { page, close } = await signedIn(browser, server.baseUrl, HA, { expectedFailures: /status of 422/ });
    await page.getByRole('navigation', { name: 'Phân hệ' }).getByRole('link', { name: 'Định danh điện tử' }).click();
    await page.getByRole('heading', { level: 1, name: 'Xác thực định danh điện tử mức 2 tại quầy' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus starts at the page heading');

    const form = page.getByTestId('eid-counter-form');
    // Nothing chosen: the errors are next to their fields, focus on the first.
    await form.getByRole('button', { name: 'Cấp / nâng mức 2' }).click();
    await page.getByTestId('eid-counter-errors').getByRole('link', { name: /EF.SOD/ }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'idNumber');

    // The tampered SOD first: refused, the failed checks shown next to EF.SOD; the form keeps its values.
    await form.getByLabel('Số định danh cá nhân').fill(idNumber);
    await form.getByLabel('EF.SOD (dữ liệu bảo mật)').setInputFiles(files.tampered!);
    await form.getByLabel('EF.DG1 (vùng đọc máy MRZ)').setInputFiles(files['EF.DG1']!);
    if (files['EF.DG2']) await form.getByLabel(/EF.DG2/).setInputFiles(files['EF.DG2']);
    if (files['EF.DG13']) await form.getByLabel(/EF.DG13/).setInputFiles(files['EF.DG13']);
    await form.getByRole('radio', { name: 'Khớp', exact: true }).check();
    // Keyboard: the phone is reached and typed with the keyboard, the form sent with Enter.
    await form.getByLabel('Số điện thoại di động').focus();
    await page.keyboard.type(phone);
    await page.keyboard.press('Enter');
    const sodField = page.locator('.field').filter({ has: page.getByLabel('EF.SOD (dữ liệu bảo mật)', { exact: true }) });
    await sodField.locator('.field__error').getByText(/Kiểm tra không đạt/).waitFor();
    const reason = (await sodField.locator('.field__error').textContent()) ?? '';
    assert.match(reason, /Kiểm tra không đạt: .+/, reason);
    await page.getByTestId('eid-counter-problem').getByText(/Dữ liệu chip không qua được xác thực/).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'sod', 'focus on the field to fix');
    assert.equal(await form.getByLabel('Số định danh cá nhân').inputValue(), idNumber);
    assert.equal(await form.getByLabel('Số điện thoại di động').inputValue(), phone);
    assert.equal(await form.getByRole('radio', { name: 'Khớp', exact: true }).isChecked(), true);
    await screenshot(page, 'eid-counter-refused');

    // The real SOD: accepted, the activation shown.
    await form.getByLabel('EF.SOD (dữ liệu bảo mật)').setInputFiles(files['EF.SOD']!);
    await form.getByRole('button', { name: 'Cấp / nâng mức 2' }).click();
    const result = page.getByTestId('eid-result');
    await result.getByRole('heading', { name: 'Đã xác thực mức 2' }).waitFor();
    assert.equal(await result.getByTestId('eid-result-kind').textContent(), 'Tạo tài khoản mức 2 (chờ kích hoạt)');
    const sentTo = (await result.getByTestId('eid-result-sent-to').textContent()) ?? '';
    assert.ok(sentTo && !sentTo.includes(phone), `the phone is masked: ${sentTo}`);
    assert.match((await result.getByTestId('eid-result-expires').textContent()) ?? '', /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await screenshot(page, 'eid-counter-activation');

    // The lookup: pending activation at level 2, phone masked, both verifications.
    await result.getByRole('link', { name: 'Tra cứu tài khoản' }).click();
    const account = page.getByTestId('eid-account');
    await account.waitFor();
    assert.equal(await account.getByTestId('eid-account-status').textContent(), 'Chờ kích hoạt');
    assert.equal(await account.getByTestId('eid-account-level').textContent(), 'Mức 2');
    assert.equal(await account.getByTestId('eid-account-phone').textContent(), sentTo);
    assert.equal(await account.getByTestId('eid-verifications').locator('li').count(), 2);
    await account.getByTestId('eid-verifications').getByText(/Từ chối/).waitFor();

    // Suspend needs a reason.
    const status = page.getByTestId('eid-status-form');
    await status.getByRole('button', { name: 'Tạm khóa tài khoản' }).click();
    await status.getByText('Nêu lý do.').waitFor();
    await status.getByLabel('Lý do').fill('Công dân báo mất điện thoại');
    await status.getByRole('button', { name: 'Tạm khóa tài khoản' }).click();
    await page.getByTestId('eid-account-status').getByText('Tạm khóa').waitFor();
    await page.getByTestId('eid-status-form').getByRole('button', { name: 'Mở lại tài khoản' }).waitFor();
    await screenshot(page, 'eid-lookup');
    await close();
  });

  test('on a 360 px phone: the counter and lookup pages fit without horizontal scrolling', async () => {
    const { page, close } = await signedIn(browser, server.baseUrl, HA, { viewport: PHONE, at: '/eid' });
    await page.getByRole('heading', { level: 1, name: 'Xác thực định danh điện tử mức 2 tại quầy' }).waitFor();
    assert.equal(await hasNoHorizontalScroll(page), true, 'no horizontal scroll at 360 px');
    await screenshot(page, 'eid-counter-phone');
    await page.goto(`${server.baseUrl}/eid/accounts`);
    await page.getByRole('heading', { level: 1, name: 'Tra cứu tài khoản định danh điện tử' }).waitFor();
    assert.equal(await hasNoHorizontalScroll(page), true, 'lookup fits at 360 px');
    await close();
  });
});
