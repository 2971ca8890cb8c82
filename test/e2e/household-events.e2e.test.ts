/**
 * Households in a real browser against the whole platform: a registrar creates a household from
 * the registry menu and from a person's page, adds a member, changes the head, splits, merges and
 * removes a member, and sees the household read again each time. Each change first meets a refusal
 * from the server (a wrong ID number, a household changed meanwhile by another officer, an unknown
 * household), shown next to its field with the typed values kept; a 360 px phone.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { activeName, DESKTOP, hasNoHorizontalScroll, launchBrowser, PHONE, screenshot, signedIn } from '../harness/browser.ts';
import { startTestServer } from '../harness/server.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const AN = { username: 'nguyen.van.an', password: 'Hoa-sen-trang-2025!', displayName: 'Nguyễn Văn An', roles: ['registrar'], provinceCode: '01' };
const BASIS = 'Luật Cư trú 2020, Điều 25';
const CREATE_BASIS = 'Luật Cư trú 2020, Điều 20';

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

async function bornViaApi(page: Page, p: Person): Promise<string> {
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

type Person = { fullName: string; sex: 'male' | 'female'; birthDate: string };

/** A household through the API: the head, then members with their relation; their ID numbers in that order. */
async function familyViaApi<const M extends ReadonlyArray<Person & { relation: string }>>(page: Page, head: Person, members: M): Promise<{ no: string; head: string; members: { -readonly [K in keyof M]: string } }> {
  const headId = await bornViaApi(page, head);
  const no = await householdViaApi(page, headId);
  const ids: string[] = [];
  for (const m of members) {
    const id = await bornViaApi(page, m);
    await changeViaApi(page, `/${no}/members`, { idNumber: id, relationToHead: m.relation });
    ids.push(id);
  }
  return { no, head: headId, members: ids as { -readonly [K in keyof M]: string } };
}

/** The household page with the form of one change (`menu` is its button, `event` its form) open. */
async function openChange(page: Page, no: string, menu: string, event: string) {
  await openHousehold(page, no);
  await page.getByTestId('household-events').getByRole('button', { name: menu }).click();
  return page.getByTestId(`household-form-${event}`);
}

/** Signed in as a registrar, with the Idempotency-Key of each POST to a URL matching `posts`. */
async function signedInWithKeys(posts: RegExp, expectedFailures: RegExp) {
  const keys: string[] = [];
  const session = await signedIn(browser, server.baseUrl, AN, {
    expectedFailures,
    onPage: (p) =>
      p.on('request', (r: Request) => {
        if (r.method() === 'POST' && posts.test(r.url())) keys.push(r.headers()['idempotency-key'] ?? '');
      }),
  });
  return { ...session, keys };
}

/** A household change through the API, as another officer's window would make it. */
async function changeViaApi(page: Page, path: string, data: object): Promise<void> {
  const res = await page.request.post(`${server.baseUrl}/api/v1/registry/households${path}`, { data: { legalBasis: BASIS, ...data } });
  assert.ok(res.ok(), await res.text());
}

async function openHousehold(page: Page, no: string): Promise<void> {
  await page.goto(`${server.baseUrl}/registry/households/${no}`);
  await page.getByRole('heading', { level: 1, name: `Hộ ${no}` }).waitFor();
}

/** The form field (label, hint, error, control) around the control labelled `label` in `scope`. */
function fieldError(page: Page, scope: ReturnType<Page['getByTestId']>, label: string) {
  return scope.locator('.field').filter({ has: page.getByLabel(label, { exact: true }) }).locator('.field__error');
}

/** Member rows as "name | relation", once the household has been read. */
async function memberRows(page: Page): Promise<string[]> {
  await page.getByTestId('household-members').waitFor();
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
    const { page, close, keys } = await signedInWithKeys(/\/households\/[^/]+\/(members|head)$/, /status of 404/);
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

  test('create a household from the registry menu (the head of a household with members refused next to the head field, typed values kept), then from a person page with their address filled in', async () => {
    const { page, close, keys } = await signedInWithKeys(/\/api\/v1\/registry\/households$/, /status of 409/);
    const {
      no: family,
      head: fatherId,
      members: [daughterId],
    } = await familyViaApi(page, { fullName: 'Đỗ Văn Thành', sex: 'male', birthDate: '1965-02-03' }, [{ fullName: 'Đỗ Thị Ngọc', sex: 'female', birthDate: '1992-07-08', relation: 'Con' }]);
    const newcomerId = await bornViaApi(page, { fullName: 'Lương Văn Mới', sex: 'male', birthDate: '1985-01-20' });

    await page.goto(`${server.baseUrl}/registry`);
    await page.getByRole('navigation', { name: 'Dân cư' }).getByRole('link', { name: 'Lập hộ mới' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lập hộ mới' }).waitFor();
    const form = page.getByTestId('household-create');
    assert.equal(await form.getByLabel('Tỉnh, thành phố').inputValue(), '01', "the officer's province is preselected");
    await form.getByLabel('Số định danh cá nhân của chủ hộ').fill(fatherId);
    await form.getByLabel('Xã, phường, đặc khu').selectOption({ label: 'Phường Ba Đình' });
    await form.getByLabel('Số nhà, đường phố, thôn, tổ').fill('Số 21, phố Nguyễn Thái Học');
    await form.getByLabel('Căn cứ pháp lý').fill(CREATE_BASIS);
    await form.getByRole('button', { name: 'Lập hộ' }).click();

    // He heads a household that still has a member: the server's reason sits next to the head's ID number.
    const headError = fieldError(page, form, 'Số định danh cá nhân của chủ hộ');
    await headError.waitFor();
    assert.match((await headError.textContent()) ?? '', /chủ hộ của hộ còn thành viên: đổi chủ hộ trước/);
    assert.equal(await activeName(page), 'headId', 'focus on the head');
    assert.equal(await form.getByLabel('Số định danh cá nhân của chủ hộ').getAttribute('aria-invalid'), 'true');
    assert.equal(await form.getByLabel('Số nhà, đường phố, thôn, tổ').inputValue(), 'Số 21, phố Nguyễn Thái Học', 'typed address kept');
    assert.equal(await form.getByLabel('Xã, phường, đặc khu').inputValue(), '00004', 'chosen commune kept');
    assert.equal(await form.getByLabel('Căn cứ pháp lý').inputValue(), CREATE_BASIS, 'typed legal basis kept');
    await screenshot(page, 'household-create-refused');
    await page.setViewportSize(PHONE);
    assert.ok(await hasNoHorizontalScroll(page), 'the form with its error fits 360 px');
    await screenshot(page, 'household-create-phone');
    await page.setViewportSize(DESKTOP);

    await form.getByLabel('Số định danh cá nhân của chủ hộ').fill(newcomerId);
    await form.getByRole('button', { name: 'Lập hộ' }).click();
    await page.getByTestId('household-created').waitFor();
    const created = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    assert.match(created, /^HK01-\d{8}$/);
    await page.getByRole('heading', { level: 1, name: `Hộ ${created}` }).waitFor();
    assert.equal(await page.getByTestId('household-created').textContent(), `Đã lập hộ ${created}.`);
    assert.deepEqual(await memberRows(page), ['Lương Văn Mới | Chủ hộ']);
    assert.equal(await page.getByTestId('household-address').textContent(), 'Số 21, phố Nguyễn Thái Học, Phường Ba Đình, Thành phố Hà Nội');
    assert.equal(keys.length, 2, 'the refused and the accepted attempt');
    assert.ok(keys.every((k) => /^[0-9a-f-]{32,36}$/.test(k)) && keys[0] !== keys[1], 'each attempt carried its own Idempotency-Key');
    await screenshot(page, 'household-created');

    // From the daughter's page: she heads a new household, at her current address unless changed.
    await page.goto(`${server.baseUrl}/registry/people/${daughterId}`);
    await page.getByTestId('purpose-form').getByLabel('Mục đích').selectOption('residence');
    await page.getByTestId('purpose-form').getByRole('button', { name: 'Xem hồ sơ' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đỗ Thị Ngọc' }).waitFor();
    await page.getByTestId('life-events').getByRole('link', { name: 'Lập hộ mới' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lập hộ mới' }).waitFor();
    assert.equal(await form.getByLabel('Số định danh cá nhân của chủ hộ').inputValue(), daughterId, 'the person is the head');
    assert.equal(await form.getByLabel('Số nhà, đường phố, thôn, tổ').inputValue(), 'Số 15, phố Đội Cấn', 'her permanent address is offered');
    assert.equal(await form.getByLabel('Xã, phường, đặc khu').inputValue(), '00004');
    await form.getByLabel('Căn cứ pháp lý').fill(CREATE_BASIS);
    await form.getByRole('button', { name: 'Lập hộ' }).click();
    await page.getByTestId('household-created').waitFor();
    assert.deepEqual(await memberRows(page), ['Đỗ Thị Ngọc | Chủ hộ']);
    assert.notEqual(decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!), family);
    await openHousehold(page, family);
    assert.deepEqual(await memberRows(page), ['Đỗ Văn Thành | Chủ hộ'], 'she left her family household');
    await close();
  });

  test('split: a head changed meanwhile is refused next to the members with the choices kept; then split, both member lists updated', async () => {
    const { page, close } = await signedIn(browser, server.baseUrl, AN, { expectedFailures: /status of 409/ });
    const {
      no,
      members: [wife, son],
    } = await familyViaApi(page, { fullName: 'Hồ Văn Bình', sex: 'male', birthDate: '1958-03-03' }, [
      { fullName: 'Tạ Thị Hiền', sex: 'female', birthDate: '1960-06-06', relation: 'Vợ' },
      { fullName: 'Hồ Minh Quân', sex: 'male', birthDate: '1986-08-08', relation: 'Con' },
    ]);

    const form = await openChange(page, no, 'Tách hộ', 'split');
    await form.getByLabel(`Tạ Thị Hiền (${wife})`).check();
    await form.getByLabel(`Hồ Minh Quân (${son})`).check();
    await form.getByLabel('Chủ hộ của hộ mới').selectOption(son);
    await form.getByLabel('Căn cứ pháp lý').fill(BASIS);
    // Meanwhile another officer makes the wife the head.
    await changeViaApi(page, `/${no}/head`, { newHeadId: wife, formerHeadRelation: 'Chồng' });
    await form.getByRole('button', { name: 'Ghi nhận tách hộ' }).click();

    const membersError = form.getByTestId('memberIds-choices').locator('.field__error');
    await membersError.waitFor();
    assert.equal(await membersError.textContent(), 'Chủ hộ hiện tại không thể tách đi: đổi chủ hộ trước.');
    assert.equal(await activeName(page), 'memberIds', 'focus on the members');
    assert.ok((await form.getByLabel(`Tạ Thị Hiền (${wife})`).isChecked()) && (await form.getByLabel(`Hồ Minh Quân (${son})`).isChecked()), 'ticked members kept');
    assert.equal(await form.getByLabel('Chủ hộ của hộ mới').inputValue(), son, 'chosen head kept');
    await screenshot(page, 'household-split-refused');

    await form.getByLabel(`Tạ Thị Hiền (${wife})`).uncheck();
    await form.getByRole('button', { name: 'Ghi nhận tách hộ' }).click();
    const notice = page.getByTestId('household-event-recorded');
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', /Đã ghi nhận: Tách hộ\..*Hộ mới: HK01-\d{8}/);
    assert.deepEqual(await memberRows(page), ['Hồ Văn Bình | Chồng', 'Tạ Thị Hiền | Chủ hộ']);
    await screenshot(page, 'household-split');
    const split = (await notice.getByRole('link').textContent()) ?? '';
    await notice.getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: `Hộ ${split}` }).waitFor();
    assert.deepEqual(await memberRows(page), ['Hồ Minh Quân | Chủ hộ']);
    await close();
  });

  test('merge: an unknown household number is refused next to its field with the relations kept; then merged, this household dissolved and the other one listing everyone', async () => {
    const { page, close } = await signedIn(browser, server.baseUrl, AN, { expectedFailures: /status of 404/ });
    const {
      no,
      head: elder,
      members: [nephew],
    } = await familyViaApi(page, { fullName: 'Kiều Văn Lâm', sex: 'male', birthDate: '1970-10-10' }, [{ fullName: 'Kiều Minh Tú', sex: 'male', birthDate: '2001-01-01', relation: 'Cháu' }]);
    const { no: into } = await familyViaApi(page, { fullName: 'Kiều Thị Mơ', sex: 'female', birthDate: '1968-05-05' }, []);

    const form = await openChange(page, no, 'Nhập hộ này vào hộ khác', 'merge');
    await form.getByLabel('Số hộ nhập vào').fill('HK01-99999999');
    await form.getByLabel(`Kiều Văn Lâm (${elder})`).fill('Em');
    await form.getByLabel(`Kiều Minh Tú (${nephew})`).fill('Cháu');
    await form.getByLabel('Căn cứ pháp lý').fill(BASIS);
    await form.getByRole('button', { name: 'Ghi nhận nhập hộ' }).click();

    const intoError = fieldError(page, form, 'Số hộ nhập vào');
    await intoError.waitFor();
    assert.match((await intoError.textContent()) ?? '', /Không có hộ HK01-99999999/);
    assert.equal(await activeName(page), 'intoHouseholdNo', 'focus on the household number');
    assert.equal(await form.getByLabel(`Kiều Văn Lâm (${elder})`).inputValue(), 'Em', 'typed relation kept');
    assert.equal(await form.getByLabel(`Kiều Minh Tú (${nephew})`).inputValue(), 'Cháu', 'typed relation kept');
    await screenshot(page, 'household-merge-refused');

    await form.getByLabel('Số hộ nhập vào').fill(into);
    await form.getByRole('button', { name: 'Ghi nhận nhập hộ' }).click();
    const notice = page.getByTestId('household-event-recorded');
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', new RegExp(`Đã ghi nhận: Nhập hộ này vào hộ khác\\..*Các thành viên đã chuyển sang hộ ${into}`));
    assert.deepEqual(await memberRows(page), [], 'nobody is left in this household');
    await page.getByText('Hộ không còn hoạt động: không ghi nhận thay đổi được.').waitFor();
    await screenshot(page, 'household-merged');
    await notice.getByRole('link', { name: into }).click();
    await page.getByRole('heading', { level: 1, name: `Hộ ${into}` }).waitFor();
    assert.deepEqual(await memberRows(page), ['Kiều Minh Tú | Cháu', 'Kiều Thị Mơ | Chủ hộ', 'Kiều Văn Lâm | Em']);
    await close();
  });

  test('remove a member: one who left meanwhile is refused next to the choice, kept selected; then another removed and the list updated', async () => {
    const { page, close } = await signedIn(browser, server.baseUrl, AN, { expectedFailures: /status of 409/ });
    const {
      no,
      members: [son, grandson],
    } = await familyViaApi(page, { fullName: 'Mai Văn Đức', sex: 'male', birthDate: '1962-12-12' }, [
      { fullName: 'Mai Văn Tài', sex: 'male', birthDate: '1990-09-19', relation: 'Con' },
      { fullName: 'Mai Gia Bảo', sex: 'male', birthDate: '2015-04-04', relation: 'Cháu' },
    ]);

    const form = await openChange(page, no, 'Xoá thành viên khỏi hộ', 'remove');
    await form.getByLabel('Thành viên ra khỏi hộ').selectOption(son);
    await form.getByLabel('Căn cứ pháp lý').fill(BASIS);
    // Meanwhile the son heads a household of his own (another officer's window).
    await householdViaApi(page, son);
    await form.getByRole('button', { name: 'Xoá khỏi hộ' }).click();

    const whoError = fieldError(page, form, 'Thành viên ra khỏi hộ');
    await whoError.waitFor();
    assert.match((await whoError.textContent()) ?? '', /Người này không thuộc hộ\./);
    assert.equal(await activeName(page), 'idNumber', 'focus on the choice');
    assert.equal(await form.getByLabel('Thành viên ra khỏi hộ').inputValue(), son, 'choice kept');
    assert.equal(await form.getByLabel('Căn cứ pháp lý').inputValue(), BASIS, 'typed legal basis kept');
    await screenshot(page, 'household-remove-refused');

    await form.getByLabel('Thành viên ra khỏi hộ').selectOption(grandson);
    await form.getByRole('button', { name: 'Xoá khỏi hộ' }).click();
    const notice = page.getByTestId('household-event-recorded');
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', /Đã ghi nhận: Xoá thành viên khỏi hộ/);
    assert.deepEqual(await memberRows(page), ['Mai Văn Đức | Chủ hộ']);
    await screenshot(page, 'household-member-removed');
    await close();
  });
});
