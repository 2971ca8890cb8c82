/**
 * The audit module in a real browser against the whole platform: an auditor verifies the hash
 * chain (the first time whole, then what is new since the last checkpoint, which the page shows
 * with who verified it), searches the log by a person's ID number and sees the reads and events of
 * that person with the officer's name, pages with "load more", in English too, and on a 360 px
 * phone. An entry altered before the checkpoint: the walk of what is new says it did not look
 * there, the walk of the whole chain names it. A signed receipt of the last checkpoint, downloaded
 * and kept: after the chain and its checkpoints are rewritten together, only the receipt names it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { sql } from 'kysely';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { DESKTOP, hasNoHorizontalScroll, launchBrowser, PHONE, screenshot, signedIn as openSignedIn } from '../harness/browser.ts';
import { startTestServer } from '../harness/server.ts';
import { entryHash } from '../../src/platform/audit/audit.hash.ts';
import { chainAll } from '../../src/platform/audit/index.ts';
import { lockChain } from '../../src/platform/audit/audit.store.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
type Officer = { username: string; password: string; displayName: string; roles: string[]; provinceCode: string | null };

const AN: Officer = { username: 'nguyen.van.an', password: 'Hoa-sen-trang-2025!', displayName: 'Nguyễn Văn An', roles: ['registrar'], provinceCode: '01' };
const MAI: Officer = { username: 'do.thi.mai', password: 'Sen-hong-no-2025!', displayName: 'Đỗ Thị Mai', roles: ['auditor'], provinceCode: null };
const ROOT: Officer = { username: 'quan.tri', password: 'Quan-tri-vien-2025!', displayName: 'Quản Trị', roles: ['admin'], provinceCode: null };


let server: TestServer;
let browser: Browser;

before(async () => {
  server = await startTestServer();
  for (const o of [AN, MAI, ROOT]) await server.createOfficer(o);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

function signedIn(who: Officer, opts: { viewport?: { width: number; height: number }; at?: string; expectedFailures?: RegExp } = {}) {
  return openSignedIn(browser, server.baseUrl, who, opts);
}


describe('audit log (browser)', () => {
  let idNumber = '';
  let busyId = '';

  before(async () => {
    // A registrar registers two births; reads one a few times and the other many times (each read is audited).
    const { page, close } = await signedIn(AN);
    const born = async (fullName: string) => {
      const res = await page.request.post(`${server.baseUrl}/api/v1/registry/births`, {
        data: { legalBasis: 'Luật Hộ tịch 2014, Điều 16', fullName, sex: 'female', birthDate: '2026-10-01', birthRegistration: { provinceCode: '01', communeCode: '00004' } },
      });
      assert.equal(res.status(), 201, await res.text());
      return (await res.json()).idNumber as string;
    };
    const read = async (id: string, purpose: string) => {
      const res = await page.request.get(`${server.baseUrl}/api/v1/registry/people/${id}?purpose=${encodeURIComponent(purpose)}`);
      assert.equal(res.status(), 200);
    };
    idNumber = await born('Trịnh Gia Hân');
    busyId = await born('Trịnh Gia Huy');
    // The births wait in the inbox for the chainer: chain them before the reads so that the log's order is theirs.
    await chainAll(server.platform.db);
    await read(idNumber, 'Đăng ký khai sinh');
    await read(idNumber, 'Giải quyết thủ tục hành chính — hồ sơ 12/2026');
    assert.equal((await page.request.get(`${server.baseUrl}/api/v1/registry/people/${idNumber}/history`)).status(), 200);
    for (let i = 0; i < 55; i++) await read(busyId, `Giải quyết thủ tục hành chính — hồ sơ ${i}`);
    await close();
  });

  test('an auditor verifies the chain, searches by the person’s ID number and sees the reads and events, with load more', async () => {
    const { page, close } = await signedIn(MAI);
    await page.getByRole('navigation', { name: 'Phân hệ' }).getByRole('link', { name: 'Nhật ký truy cập' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nhật ký truy cập' }).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');

    // No checkpoint yet: the first walk is of the whole chain, and leaves a checkpoint in the auditor's name.
    await page.getByTestId('audit-checkpoint-none').getByText('Chưa có điểm kiểm tra').waitFor();
    await page.getByRole('button', { name: 'Kiểm tra phần mới' }).click();
    await page.getByTestId('audit-verify-status').getByText('Chuỗi nhật ký nguyên vẹn').waitFor();
    assert.equal(await page.getByTestId('audit-verify-walk').textContent(), 'Toàn bộ chuỗi, từ bản ghi đầu tiên');
    const entries = Number(((await page.getByTestId('audit-verify-entries').textContent()) ?? '').replace(/\D/g, ''));
    assert.ok(entries >= 60, `entries counted: ${entries}`);
    assert.equal(await page.getByTestId('audit-verify-range').textContent(), `Từ bản ghi #1 đến #${entries}`);
    const checkpoint = page.getByTestId('audit-checkpoint-seq');
    await checkpoint.getByText(new RegExp(`^Bản ghi #${entries}, kiểm tra lúc .* bởi Đỗ Thị Mai \\(do\\.thi\\.mai\\)$`)).waitFor();

    // The person's ID number: the reads and the events of that person, newest first.
    const subject = page.getByLabel(/Số định danh cá nhân \(đối tượng\)/);
    await subject.fill(idNumber);
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    const status = page.getByTestId('audit-status');
    await status.getByText('Đang hiển thị 4 bản ghi, mới nhất trước. Đã hiển thị hết.').waitFor();
    const list = page.getByTestId('audit-entry');
    const actionsOf = () => list.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    assert.deepEqual(await actionsOf(), ['person.history_read', 'person.read', 'person.read', 'registry.birth_registered']);
    assert.match((await list.nth(1).textContent()) ?? '', /Xem hồ sơ.*Giải quyết thủ tục hành chính — hồ sơ 12\/2026/);
    assert.match((await list.nth(3).textContent()) ?? '', /Đăng ký khai sinh.*Luật Hộ tịch 2014, Điều 16/);
    // Who: the officer's name and username, from the names any officer may read.
    await list.first().getByTestId('audit-entry-actor').getByText(/Nguyễn Văn An \(nguyen\.van\.an\)/).waitFor();
    for (const s of await page.getByTestId('audit-entry-subject').allTextContents()) assert.match(s, new RegExp(idNumber));
    assert.equal(await page.getByRole('button', { name: 'Tải thêm' }).count(), 0);
    await screenshot(page, 'audit-log');
    await page.setViewportSize(PHONE);
    assert.ok(await hasNoHorizontalScroll(page), 'the audit log fits 360 px');
    await screenshot(page, 'audit-log-phone');
    await page.setViewportSize(DESKTOP);

    // A busier subject: 50 at a time, then "load more".
    await subject.fill(busyId);
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await status.getByText('Đang hiển thị 50 bản ghi, mới nhất trước.').waitFor();
    assert.equal(await list.count(), 50);
    assert.match((await list.first().textContent()) ?? '', /Giải quyết thủ tục hành chính — hồ sơ 54/);
    await page.getByRole('button', { name: 'Tải thêm' }).click();
    await status.getByText('Đang hiển thị 56 bản ghi, mới nhất trước. Đã hiển thị hết.').waitFor();
    const actions = await actionsOf();
    assert.equal(actions[actions.length - 1], 'registry.birth_registered', 'the oldest entry: the birth');
    assert.equal(await page.getByRole('button', { name: 'Tải thêm' }).count(), 0);
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H3', 'focus on the first entry loaded');

    // By action only.
    await subject.fill('');
    await page.getByLabel(/Hành động/).fill('registry.birth_registered');
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await status.getByText(/Đang hiển thị 2 bản ghi/).waitFor();

    // The searches were logged after the checkpoint: the next walk starts there and walks only those.
    await page.getByRole('button', { name: 'Kiểm tra phần mới' }).click();
    await page.getByTestId('audit-verify-walk').getByText(`Phần mới, từ điểm kiểm tra #${entries}`).waitFor();
    await page.getByTestId('audit-verify-status').getByText('Chuỗi nhật ký nguyên vẹn').waitFor();
    const walked = Number(((await page.getByTestId('audit-verify-entries').textContent()) ?? '').replace(/\D/g, ''));
    assert.ok(walked >= 5 && walked < entries, `walked ${walked} of ${entries}`);
    assert.match((await page.getByTestId('audit-verify-not-walked').textContent()) ?? '', new RegExp(`^Các bản ghi #1–#${entries - 1}, đã kiểm tra lúc .* bởi Đỗ Thị Mai \\(do\\.thi\\.mai\\)\\.`));
    await checkpoint.getByText(new RegExp(`^Bản ghi #${entries + walked - 1},`)).waitFor();

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.getByTestId('audit-verify-status').getByText('Chain intact').waitFor();
    await page.getByRole('button', { name: 'Verify the whole chain' }).click();
    await page.getByTestId('audit-verify-walk').getByText('The whole chain, from the first entry').waitFor();
    await page.getByTestId('audit-verify-status').getByText('Chain intact').waitFor();
    assert.equal(await page.getByTestId('audit-verify-not-walked').count(), 0);
    await close();
  });

  test('an admin may verify the chain but not read the log', async () => {
    const { page, close } = await signedIn(ROOT, { at: '/audit' });
    await page.getByRole('heading', { level: 1, name: 'Nhật ký truy cập' }).waitFor();
    await page.getByText('Chỉ kiểm toán viên được tra cứu nội dung nhật ký.').waitFor();
    await page.getByTestId('audit-checkpoint-seq').getByText(/bởi Đỗ Thị Mai \(do\.thi\.mai\)$/).waitFor();
    await page.getByRole('button', { name: 'Kiểm tra phần mới' }).click();
    await page.getByTestId('audit-verify-status').getByText('Chuỗi nhật ký nguyên vẹn').waitFor();
    await page.getByTestId('audit-checkpoint-seq').getByText(/bởi Quản Trị \(quan\.tri\)$/).waitFor();
    await close();
  });

  test('a signed receipt of the last checkpoint, kept outside: it names a chain rewritten together with its checkpoints, which the walk of what is new does not see', async () => {
    // The forged receipt below is refused with 422, which the browser logs.
    const { page, close } = await signedIn(MAI, { at: '/audit', expectedFailures: /status of 422/ });
    await page.getByRole('heading', { level: 1, name: 'Nhật ký truy cập' }).waitFor();
    const verify = page.getByTestId('audit-verify');
    await page.getByRole('button', { name: 'Kiểm tra phần mới' }).click();
    await verify.getByTestId('audit-verify-status').getByText('Chuỗi nhật ký nguyên vẹn').waitFor();
    const seq = Number(((await verify.getByTestId('audit-verify-range').textContent()) ?? '').match(/#(\d+)$/)![1]);
    await page.getByTestId('audit-checkpoint-seq').getByText(new RegExp(`^Bản ghi #${seq},`)).waitFor();

    // Download the receipt of the last checkpoint: a compact JWS signed by the platform.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `Tải biên nhận của bản ghi #${seq}` }).click()]);
    assert.equal(download.suggestedFilename(), `open06-audit-receipt-${seq}.jws`);
    const file = await download.path();
    const receipt = fs.readFileSync(file, 'utf8').trim();
    assert.match(receipt, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.equal(JSON.parse(Buffer.from(receipt.split('.')[1]!, 'base64url').toString('utf8')).seq, seq);
    await page.getByText(`Đã tải biên nhận của bản ghi #${seq}; hãy cất nó ở ngoài hệ thống.`).waitFor();

    // Verify against it from the file: intact.
    const section = page.getByTestId('audit-receipt');
    const box = section.getByLabel('Biên nhận (JWS)');
    await section.getByLabel(/Hoặc chọn tệp biên nhận/).setInputFiles(file);
    // The page reads the file asynchronously: wait until its text is in the box.
    await page.waitForFunction((el) => (el as HTMLTextAreaElement).value.length > 0, await box.elementHandle());
    assert.equal(await box.inputValue(), receipt);
    await section.getByRole('button', { name: 'Kiểm tra với biên nhận' }).click();
    const result = page.getByTestId('audit-receipt-result');
    await result.getByTestId('audit-verify-status').getByText('Chuỗi nhật ký nguyên vẹn').waitFor();
    assert.equal(await result.getByTestId('audit-receipt-matched').textContent(), `Khớp: các bản ghi #1–#${seq} băm ra đúng mã băm trong biên nhận.`);
    assert.match((await result.getByTestId('audit-receipt-signed').textContent()) ?? '', new RegExp(`^Bản ghi #${seq}, ký lúc .* bằng khoá [\\w-]{43}$`));

    // A flipped byte in the signature: refused, the reason next to the box, which keeps what was pasted.
    const [h, pl, sg] = receipt.split('.');
    const sig = Buffer.from(sg!, 'base64url');
    sig.writeUInt8(sig.readUInt8(5) ^ 0x01, 5);
    const forged = `${h}.${pl}.${sig.toString('base64url')}`;
    await box.fill(forged);
    await section.getByRole('button', { name: 'Kiểm tra với biên nhận' }).click();
    await section.locator('.field__error').getByText(/Chữ ký của biên nhận không hợp lệ.*\(phần receipt\.signature\)/).waitFor();
    assert.equal(await box.getAttribute('aria-invalid'), 'true');
    assert.equal(await box.inputValue(), forged);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'receipt');

    // Someone with write access rewrites entry #2 and re-hashes every entry after it, and the checkpoints too.
    // Under the chain lock, so that the platform's chainer does not append to the old head meanwhile.
    await server.platform.db.transaction().execute(async (db) => {
      await lockChain(db);
      const rows = await db.selectFrom('platform.audit_log').selectAll().where('seq', '>=', 2).orderBy('seq').execute();
      let prev = (await db.selectFrom('platform.audit_log').select('hash').where('seq', '=', 1).executeTakeFirstOrThrow()).hash as Buffer;
      for (const r of rows) {
        const actorId = Number(r.seq) === 2 ? 'someone-else' : r.actor_id;
        const e = { at: r.at, actorKind: r.actor_kind, actorId, action: r.action, subjectKind: r.subject_kind, subjectId: r.subject_id, fields: r.fields, purpose: r.purpose, legalBasis: r.legal_basis, requestId: r.request_id, details: r.details };
        const hash = entryHash(Number(r.seq), e, prev);
        await db.updateTable('platform.audit_log').set({ actor_id: actorId, prev_hash: prev, hash }).where('seq', '=', r.seq).execute();
        prev = hash;
      }
      await sql`update platform.audit_checkpoint c set hash = l.hash from platform.audit_log l where l.seq = c.seq`.execute(db);
    });

    await page.getByRole('button', { name: 'Kiểm tra phần mới' }).click();
    await verify.getByTestId('audit-verify-walk').getByText(`Phần mới, từ điểm kiểm tra #${seq}`).waitFor();
    await verify.getByTestId('audit-verify-status').getByText('Chuỗi nhật ký nguyên vẹn').waitFor();

    await box.fill(receipt);
    await section.getByRole('button', { name: 'Kiểm tra với biên nhận' }).click();
    await result.getByTestId('audit-verify-status').getByText('Chuỗi nhật ký bị phá vỡ').waitFor();
    assert.match((await result.getByTestId('audit-verify-break').textContent()) ?? '', new RegExp(`^Bản ghi #${seq} không còn mã băm trong biên nhận đã ký lúc .*: nó hoặc các bản ghi trước nó đã bị sửa và cả chuỗi được tính lại mã băm`));
    assert.equal(await result.getByTestId('audit-receipt-matched').textContent(), `Không khớp: chuỗi tới bản ghi #${seq} không còn băm ra mã băm trong biên nhận.`);
    assert.equal(await section.locator('.field__error').count(), 0, 'the earlier refusal is gone');
    await screenshot(page, 'audit-receipt-broken');
    await page.setViewportSize(PHONE);
    assert.ok(await hasNoHorizontalScroll(page), 'the receipt check fits 360 px');
    await close();
  });

  test('an entry altered and re-hashed before the checkpoint: the walk of what is new did not look there, the whole walk names it', async () => {
    const db = server.platform.db;
    const r = await db.selectFrom('platform.audit_log').selectAll().where('seq', '=', 3).executeTakeFirstOrThrow();
    const forged = { at: r.at, actorKind: r.actor_kind, actorId: 'someone-else', action: r.action, subjectKind: r.subject_kind, subjectId: r.subject_id, fields: r.fields, purpose: r.purpose, legalBasis: r.legal_basis, requestId: r.request_id, details: r.details };
    await db.updateTable('platform.audit_log').set({ actor_id: 'someone-else', hash: entryHash(3, forged, r.prev_hash) }).where('seq', '=', 3).execute();

    const { page, close } = await signedIn(MAI, { at: '/audit', viewport: PHONE });
    await page.getByRole('heading', { level: 1, name: 'Nhật ký truy cập' }).waitFor();
    await page.getByRole('button', { name: 'Kiểm tra phần mới' }).click();
    await page.getByTestId('audit-verify-status').getByText('Chuỗi nhật ký nguyên vẹn').waitFor();
    await page.getByTestId('audit-verify-not-walked').getByText(/^Các bản ghi #1–#\d+/).waitFor();

    await page.getByRole('button', { name: 'Kiểm tra toàn bộ chuỗi' }).click();
    await page.getByTestId('audit-verify-status').getByText('Chuỗi nhật ký bị phá vỡ').waitFor();
    assert.equal(await page.getByTestId('audit-verify-break').textContent(), 'Bản ghi #3 đã bị sửa và tính lại mã băm, hoặc các bản ghi sau nó bị xoá.');
    assert.ok(await hasNoHorizontalScroll(page), 'the verification fits 360 px');
    await screenshot(page, 'audit-verify-broken-phone');
    await close();
  });
});
