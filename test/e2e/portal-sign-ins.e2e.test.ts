/**
 * The citizen's sign-in history in a real browser, paged on the server: with more than two pages
 * of sign-ins, the citizen moves to the next and previous page with the keyboard only, on a desktop
 * and on a 360 px phone; each page shows the right rows, newest first, and says which ones
 * ("Lần đăng nhập 21–40"); at either end the focus moves to the pager button still usable.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { DESKTOP, hasNoHorizontalScroll, launchBrowser, PHONE, screenshot } from '../harness/browser.ts';
import { CITIZEN_PASSWORD, level1Account, officerHeaders, resident } from '../harness/eid.ts';
import { startTestServer, type TestServer } from '../harness/server.ts';

const OFFICER_PASSWORD = 'correct-horse-battery-staple';
const CITIZEN = { idNumber: '', fullName: 'Đặng Thu Trang', sex: 'female' as const, birthDate: '1988-08-18', phone: '0913000088' };
const SEEDED = 45;
const PAGE = 20;

let server: TestServer;
let browser: Browser;

before(async () => {
  server = await startTestServer();
  await server.createOfficer({ username: 'hotich', password: OFFICER_PASSWORD, displayName: 'Hộ tịch', roles: ['registrar'], provinceCode: null });
  CITIZEN.idNumber = await resident(server.baseUrl, await officerHeaders(server.baseUrl, 'hotich', OFFICER_PASSWORD), CITIZEN);
  await level1Account(server.baseUrl, CITIZEN);
  // Earlier sign-ins, one an hour, each from its own address (203.0.113.x, for documentation) so that every row is recognisable.
  const now = server.platform.clock.now().getTime();
  const { rows } = await sql<{ id: string }>`select id from identity.account where id_number = ${CITIZEN.idNumber}`.execute(server.platform.db);
  const accountId = rows[0]!.id;
  for (let i = 1; i <= SEEDED; i++) {
    await sql`insert into identity.sign_in (account_id, at, outcome, method, reason, ip, user_agent)
      values (${accountId}, ${new Date(now - i * 3_600_000)}, ${i % 5 ? 'success' : 'failure'}, 'password', ${i % 5 ? null : 'bad_password'}, ${`203.0.113.${i}`}, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/140.0')`.execute(server.platform.db);
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The addresses of the citizen's sign-ins, newest first, as the server stores them. */
async function expectedIps(): Promise<string[]> {
  const { rows } = await sql<{ ip: string | null }>`select s.ip from identity.sign_in s join identity.account a on a.id = s.account_id where a.id_number = ${CITIZEN.idNumber} order by s.at desc, s.id desc`.execute(server.platform.db);
  return rows.map((r) => r.ip ?? '—');
}

async function shownIps(page: Page): Promise<string[]> {
  return page.getByTestId('sign-ins').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => (tr.lastElementChild?.textContent ?? '').trim()));
}

/** The text of the focused element without the pager's arrows (hidden from assistive technology). */
const focused = (page: Page) => page.evaluate(() => (document.activeElement?.textContent ?? '').replace(/[←→]/g, '').trim());

/** Tab (forwards) until the focused element's text starts with `text`. */
async function tabTo(page: Page, text: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if ((await focused(page)).startsWith(text)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached "${text}"`);
}

async function signedInCitizen(viewport: { width: number; height: number }) {
  const context = await browser.newContext({ viewport, locale: 'vi-VN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // 401: the portal asking who is signed in before sign-in. The eID pages name no icon (favicon.ico 404).
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text()) && !m.location().url.endsWith('/favicon.ico')) errors.push(`${m.text()} ${m.location().url}`);
  });
  await page.goto(`${server.baseUrl}/portal/devices`);
  await page.getByRole('link', { name: 'Đăng nhập bằng định danh điện tử' }).click();
  await page.getByLabel('Số định danh cá nhân').fill(CITIZEN.idNumber);
  await page.getByLabel('Mật khẩu').fill(CITIZEN_PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Thiết bị và đăng nhập' }).waitFor();
  return {
    page,
    async close() {
      await context.close();
      assert.deepEqual(errors, [], 'no script errors in the page');
    },
  };
}

describe('sign-in history pager (browser)', () => {
  for (const [size, viewport] of [['desktop', DESKTOP], ['360 px phone', PHONE]] as const) {
    test(`on a ${size}: next, next, previous, previous with the keyboard; rows and range of each page`, async () => {
      const { page, close } = await signedInCitizen(viewport);
      const all = await expectedIps();
      const n = all.length;
      assert.ok(n > 2 * PAGE, `${n} sign-ins: more than two pages`);
      const range = page.getByTestId('sign-ins-range');
      const pager = page.getByRole('navigation', { name: 'Các trang lịch sử đăng nhập' });
      const expectPage = async (k: number) => {
        const from = k * PAGE;
        const to = Math.min(n, from + PAGE);
        await range.getByText(`Lần đăng nhập ${from + 1}–${to}, mới nhất trước.`).waitFor();
        await pager.getByText(`Trang ${k + 1}`).waitFor();
        assert.deepEqual(await shownIps(page), all.slice(from, to), `rows of page ${k + 1}`);
      };

      await expectPage(0);
      assert.equal(all[0], '127.0.0.1', 'this sign-in, the newest, first');
      await tabTo(page, 'Trang sau');
      await page.keyboard.press('Enter');
      await expectPage(1);
      assert.ok((await focused(page)).startsWith('Trang sau'), 'the focus stays on "next"');
      if (size === 'desktop') await screenshot(page, 'portal-sign-ins-page-2');
      else {
        assert.ok(await hasNoHorizontalScroll(page), 'the history fits 360 px');
        await screenshot(page, 'portal-sign-ins-page-2-phone');
      }

      await page.keyboard.press('Enter');
      await expectPage(2);
      assert.ok(await pager.getByRole('button', { name: 'Trang sau' }).isDisabled(), 'no page after the last');
      assert.ok((await focused(page)).startsWith('Trang trước'), 'at the last page the focus moves to "previous"');

      await page.keyboard.press('Enter');
      await expectPage(1);
      await page.keyboard.press('Enter');
      await expectPage(0);
      assert.ok(await pager.getByRole('button', { name: 'Trang trước' }).isDisabled());
      assert.ok((await focused(page)).startsWith('Trang sau'), 'at the first page the focus moves to "next"');
      await close();
    });
  }
});
