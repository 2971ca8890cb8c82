/**
 * Bulk verification jobs over real HTTP: a CSV (or JSON lines) upload streamed into storage, an
 * asynchronous job with per-row outcomes and reasons in a result file, malformed rows reported per
 * row, cancellation, a runner killed mid-way (a child process, SIGKILL) and resumed with an exact
 * row count, and every person in the file seeing the job in their access history.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { exchangeTestServer, resident, problem, PROVISION, call, type ExchangeTestServer, type Partner, type H } from '../harness/partner.ts';
import { BulkRunner } from '../../src/exchange/index.ts';

const root = path.resolve(import.meta.dirname, '../..');

interface Person { idNumber: string; fullName: string; birthDate: string; sex: 'male' | 'female' }

describe('exchange: bulk verification jobs', () => {
  let t: ExchangeTestServer;
  let reg: H;
  let telecom: Partner;
  let narrow: Partner;
  const people: Person[] = [];

  const upload = async (p: Partner, body: string | Buffer, q: string, type = 'text/csv', extra: H = {}) => {
    const res = await fetch(`${t.baseUrl}/api/v1/exchange/bulk-jobs?${q}`, { method: 'POST', headers: { ...(await p.headers()), 'content-type': type, ...extra }, body: typeof body === 'string' ? body : new Uint8Array(body) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null, text, headers: res.headers };
  };
  const result = async (p: Partner, id: string) => {
    const res = await fetch(`${t.baseUrl}/api/v1/exchange/bulk-jobs/${id}/result`, { headers: await p.headers() });
    assert.equal(res.status, 200);
    return { text: await res.text(), type: res.headers.get('content-type') ?? '' };
  };
  const job = async (p: Partner, id: string) => (await p.call('GET', `/api/v1/exchange/bulk-jobs/${id}`)).json;

  before(async () => {
    t = await exchangeTestServer();
    reg = await t.officer('reg.national', ['registrar'], null);
    const names = ['Nguyễn Văn An', 'Trần Thị Bích', 'Lê Hoàng Cường', 'Phạm Thu Dung', 'Hoàng Đức Em', 'Vũ Thị Giang', 'Đặng Quốc Hùng', 'Bùi Thị Lan', 'Đỗ Minh Khôi', 'Hồ Thị Mai', 'Ngô Văn Nam', 'Dương Thị Oanh'];
    for (const [i, fullName] of names.entries()) {
      const sex = i % 2 ? 'female' : 'male';
      const birthDate = `19${70 + i}-0${(i % 9) + 1}-1${i % 9}`;
      people.push({ idNumber: await resident(t.baseUrl, reg, { fullName, sex, birthDate }), fullName, birthDate, sex });
    }
    telecom = await t.partner({ member: 'Nhà mạng Viễn Thông Thử', kind: 'telecom' });
    narrow = await t.partner({ member: 'Công ty Tài chính Hẹp', kind: 'other' });
    await t.grant(telecom.systemId, { service: 'bulk_verification', fields: ['fullName', 'birthDate', 'sex', 'personStatus', 'cardValid'], purposes: ['sim_registration'], basis: PROVISION });
    await t.grant(narrow.systemId, { service: 'bulk_verification', fields: ['fullName', 'birthDate'], purposes: ['credit_assessment'], basis: PROVISION });
  });
  after(async () => { await t.close(); });

  test('a CSV with matches, mismatches, unknown people and malformed rows: per-row outcome and reasons; the job goes on', async () => {
    const [p0, p1, p2] = people;
    const csv = [
      '\ufeffSố định danh,Họ và tên,Ngày sinh,Giới tính,Mã',
      `${p0!.idNumber},${p0!.fullName},${p0!.birthDate},${p0!.sex === 'male' ? 'Nam' : 'Nữ'},A-1`,
      `${p1!.idNumber},"${p1!.fullName}",${p1!.birthDate},,A-2`,
      `${p2!.idNumber},${p2!.fullName},1999-01-01,,"A-3, ""quoted"""`,
      `${p0!.idNumber},Nguyen Van An,${p0!.birthDate},,A-4`,
      '001099999990,Không Có Ai,1990-01-01,,A-5',
      '12345,Số Sai,1990-01-01,,A-6',
      `${p1!.idNumber},Tên,1990-02-30,,A-7`,
      `${p1!.idNumber},"unterminated,1990-01-01,,A-8`,
      `${p1!.idNumber},thiếu cột`,
      '',
      `${p2!.idNumber},${p2!.fullName},${p2!.birthDate},robot,A-10`,
      `${p2!.idNumber},${p2!.fullName},${p2!.birthDate},,A-11`,
    ].join('\r\n');
    const up = await upload(telecom, csv, 'purpose=sim_registration');
    assert.equal(up.status, 202, up.text);
    assert.equal(up.json.status, 'queued');
    assert.equal(up.json.rows.estimated, 12);
    assert.match(up.headers.get('location') ?? '', new RegExp(up.json.id));
    await t.x.runner.drain();
    const j = await job(telecom, up.json.id);
    assert.equal(j.status, 'completed', JSON.stringify(j));
    assert.deepEqual(j.rows, { done: 11, estimated: 11, match: 3, mismatch: 2, notFound: 1, malformed: 5, refused: 0 });
    assert.equal(j.progress.percent, 100);
    const r = await result(telecom, up.json.id);
    assert.match(r.type, /text\/csv/);
    const lines = r.text.trimEnd().split('\n');
    assert.equal(lines[0], 'row,line,ref,idNumber,outcome,fullName,birthDate,sex,personStatus,cardValid,reasons');
    assert.equal(lines.length, 12);
    assert.equal(lines[1], `1,2,A-1,${p0!.idNumber},match,match,match,match,living,false,`);
    assert.equal(lines[2], `2,3,A-2,${p1!.idNumber},match,match,match,not_provided,living,false,`);
    assert.equal(lines[3], `3,4,"A-3, ""quoted""",${p2!.idNumber},mismatch,match,mismatch,not_provided,living,false,birthDate`);
    assert.equal(lines[4], `4,5,A-4,${p0!.idNumber},mismatch,mismatch,match,not_provided,living,false,fullName`);
    assert.equal(lines[5], '5,6,A-5,001099999990,not_found,not_checked,not_checked,not_provided,,,no person with this ID number');
    assert.equal(lines[6], '6,7,A-6,12345,malformed,,,,,,idNumber: not 12 digits');
    assert.equal(lines[7], `7,8,A-7,${p1!.idNumber},malformed,,,,,,birthDate: not a date`);
    assert.match(lines[8]!, /^8,9,,,malformed,,,,,,a quoted field is not closed on its line$/);
    assert.match(lines[9]!, /^9,10,,,malformed,,,,,,2 fields where the header has 5$/);
    // The blank line 11 is not a row.
    assert.equal(lines[10], `10,12,A-10,${p2!.idNumber},malformed,,,,,,sex: not male/female`);
    assert.equal(lines[11], `11,13,A-11,${p2!.idNumber},match,match,match,not_provided,living,false,`);
  });

  test('JSON lines in, JSON lines out', async () => {
    const [p0, p3] = [people[0]!, people[3]!];
    const body = [
      JSON.stringify({ idNumber: p0.idNumber, fullName: p0.fullName, birthDate: p0.birthDate, ref: 'J1' }),
      JSON.stringify({ idNumber: p3.idNumber, fullName: 'Pham Thu Dung', birthDate: p3.birthDate, sex: 'female', ref: 'J2' }),
      '{not json',
    ].join('\n') + '\n';
    const up = await upload(telecom, body, 'purpose=sim_registration&nameMatching=diacritic_insensitive', 'application/x-ndjson');
    assert.equal(up.status, 202, up.text);
    await t.x.runner.drain();
    const r = await result(telecom, up.json.id);
    const rows = r.text.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(rows.length, 3);
    assert.deepEqual(rows[0], { row: 1, line: 1, ref: 'J1', idNumber: p0.idNumber, outcome: 'match', fields: { fullName: 'match', birthDate: 'match', sex: 'not_provided' }, personStatus: 'living', cardValid: false, reasons: [] });
    assert.equal(rows[1].outcome, 'match');
    assert.equal(rows[1].fields.fullName, 'match_ignoring_diacritics');
    assert.equal(rows[1].fields.sex, 'match');
    assert.deepEqual(rows[2], { row: 3, line: 3, ref: null, idNumber: null, outcome: 'malformed', personStatus: null, cardValid: null, reasons: ['not a JSON object'] });
  });

  test('refused before storing: a header without the required columns, a column the grant does not cover, a purpose not granted', async () => {
    problem(await upload(telecom, 'idNumber,fullName\n001090012345,A\n', 'purpose=sim_registration'), 400, 'EXCHANGE_JOB_INPUT_INVALID');
    const f = problem(await upload(narrow, `idNumber,fullName,birthDate,sex\n${people[0]!.idNumber},x,1990-01-01,male\n`, 'purpose=credit_assessment'), 403, 'EXCHANGE_FIELDS_NOT_GRANTED');
    assert.match(f.messages.en, /The fields sex are not granted/);
    problem(await upload(narrow, 'idNumber,fullName,birthDate\n', 'purpose=sim_registration'), 403, 'EXCHANGE_PURPOSE_NOT_GRANTED');
    problem(await upload(narrow, 'a,b', 'purpose=credit_assessment', 'application/pdf'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const none = await t.platform.db.selectFrom('exchange.job').select('id').where('system_id', '=', narrow.systemId).execute();
    assert.equal(none.length, 0);
  });

  test('every person in a file sees the job in their history; the job has one chained audit entry', async () => {
    await t.platform.chainer.poke();
    const jobs = (await telecom.call('GET', '/api/v1/exchange/bulk-jobs')).json.items as any[];
    const first = jobs[jobs.length - 1];
    for (const p of people.slice(0, 3)) {
      const h = await t.x.accessLog.history(p.idNumber);
      const seen = h.items.find((i) => i.source === 'bulk_job' && i.ref === first.id);
      assert.ok(seen, `${p.idNumber} does not see the job`);
      assert.equal(seen.who.name, 'Nhà mạng Viễn Thông Thử');
      assert.equal(seen.purpose.code, 'sim_registration');
      assert.equal(seen.legalBasis, 'Luật Căn cước 2023, Điều 10');
    }
    // Someone not in the file does not.
    const other = await t.x.accessLog.history(people[11]!.idNumber);
    assert.equal(other.items.filter((i) => i.source === 'bulk_job').length, 0);
    for (let i = 0; i < 50; i++) {
      const r = await sql<{ n: number }>`select count(*)::int as n from platform.audit_log where action = 'exchange.bulk_verification' and subject_id = ${first.id}`.execute(t.platform.db);
      if (r.rows[0]!.n) { assert.equal(r.rows[0]!.n, 1); break; }
      await new Promise((res) => setTimeout(res, 50));
      if (i === 49) assert.fail('no audit entry for the job');
    }
    const e = await sql<{ details: any; fields: string[]; actor_id: string }>`select details, fields, actor_id from platform.audit_log where action = 'exchange.bulk_verification' and subject_id = ${first.id}`.execute(t.platform.db);
    assert.equal(e.rows[0]!.actor_id, telecom.systemId);
    assert.equal(e.rows[0]!.details.rows, 11);
    assert.equal(e.rows[0]!.details.status, 'completed');
  });

  test('an Idempotency-Key returns the job created the first time', async () => {
    const body = `idNumber,fullName,birthDate\n${people[4]!.idNumber},${people[4]!.fullName},${people[4]!.birthDate}\n`;
    const a = await upload(telecom, body, 'purpose=sim_registration', 'text/csv', { 'idempotency-key': 'upload-0001' });
    const b = await upload(telecom, body, 'purpose=sim_registration', 'text/csv', { 'idempotency-key': 'upload-0001' });
    assert.equal(a.status, 202);
    assert.equal(b.status, 200);
    assert.equal(b.json.id, a.json.id);
    await t.x.runner.drain();
  });

  const bigFile = (rows: number) => {
    const lines = ['idNumber,fullName,birthDate,ref'];
    for (let i = 0; i < rows; i++) {
      const p = people[i % people.length]!;
      if (i % 41 === 40) lines.push(`bad-${i},x,1990-01-01,R${i}`);
      else if (i % 17 === 16) lines.push(`${p.idNumber},Người Khác,${p.birthDate},R${i}`);
      else lines.push(`${p.idNumber},${p.fullName},${p.birthDate},R${i}`);
    }
    return `${lines.join('\n')}\n`;
  };

  test('cancellation: a queued job ends at once; a running job stops at its next checkpoint with the rows done so far', async () => {
    const q = await upload(telecom, bigFile(30), 'purpose=sim_registration');
    const c = await telecom.call('POST', `/api/v1/exchange/bulk-jobs/${q.json.id}/cancel`);
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.status, 'cancelled');
    assert.equal(c.json.rows.done, 0);
    problem(await telecom.call('POST', `/api/v1/exchange/bulk-jobs/${q.json.id}/cancel`), 409, 'EXCHANGE_JOB_FINISHED');

    const up = await upload(telecom, bigFile(400), 'purpose=sim_registration');
    let cancelled = false;
    const runner = new BulkRunner({ db: t.platform.db, pool: t.platform.database.pool, clock: t.platform.clock }, {
      batchSize: 40, pollMs: 0, leaseMs: 5000,
      afterCheckpoint: async (_job, rows) => {
        if (rows >= 80 && !cancelled) { cancelled = true; assert.equal((await telecom.call('POST', `/api/v1/exchange/bulk-jobs/${up.json.id}/cancel`)).status, 200); }
      },
    });
    await runner.runOne();
    const j = await job(telecom, up.json.id);
    assert.equal(j.status, 'cancelled');
    assert.ok(j.rows.done >= 80 && j.rows.done < 400, String(j.rows.done));
    const lines = (await result(telecom, up.json.id)).text.trimEnd().split('\n');
    assert.equal(lines.length, j.rows.done + 1);
  });

  test('a runner killed mid-way (SIGKILL) is resumed by another: every row exactly once, exact counts and person index', async () => {
    const N = 1000;
    const up = await upload(telecom, bigFile(N), 'purpose=sim_registration');
    assert.equal(up.status, 202, up.text);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/exchange/bulk-crash-child.ts'), t.platform.config.DATABASE_URL!], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let checkpoints = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (b: Buffer) => {
        checkpoints += (b.toString().match(/checkpoint/g) ?? []).length;
        if (checkpoints >= 4) { child.kill('SIGKILL'); resolve(); }
      });
      child.on('exit', (code) => { if (checkpoints < 4) reject(new Error(`child exited early (${code})`)); });
    });
    await new Promise((r) => child.on('exit', r));
    const mid = await job(telecom, up.json.id);
    assert.equal(mid.status, 'running');
    assert.ok(mid.rows.done >= 200 && mid.rows.done < N, `done ${mid.rows.done}`);
    assert.ok(mid.progress.rowsPerSecond > 0 && mid.progress.etaSeconds > 0, JSON.stringify(mid.progress));
    // Its lease (1.5 s) runs out; another runner takes the job up from the last checkpoint.
    await new Promise((r) => setTimeout(r, 1600));
    await t.x.runner.drain();
    const j = await job(telecom, up.json.id);
    assert.equal(j.status, 'completed', JSON.stringify(j));
    const bad = Math.floor(N / 41);
    const renamed = Array.from({ length: N }, (_, i) => i).filter((i) => i % 17 === 16 && i % 41 !== 40).length;
    assert.deepEqual(j.rows, { done: N, estimated: N, match: N - bad - renamed, mismatch: renamed, notFound: 0, malformed: bad, refused: 0 });
    const lines = (await result(telecom, up.json.id)).text.trimEnd().split('\n').slice(1);
    assert.equal(lines.length, N);
    assert.deepEqual(lines.map((l) => Number(l.split(',')[0])), Array.from({ length: N }, (_, i) => i + 1));
    assert.deepEqual(lines.map((l) => l.split(',')[2]), Array.from({ length: N }, (_, i) => `R${i}`));
    // The per-person index: one row per person per committed batch (the killed runner's batches of
    // 50, then the resuming runner's one batch of up to 5,000), none written twice.
    const no = (await t.platform.db.selectFrom('exchange.job').select('no').where('id', '=', up.json.id).executeTakeFirstOrThrow()).no;
    const idx = await sql<{ n: number; people: number }>`select count(*)::int as n, count(distinct p)::int as people from exchange.job_person, unnest(persons) as p where job = ${no}`.execute(t.platform.db);
    assert.equal(idx.rows[0]!.people, people.length);
    assert.equal(idx.rows[0]!.n, (mid.rows.done / 50 + Math.ceil((N - mid.rows.done) / 5000)) * people.length);
    const input = await sql<{ n: number }>`select count(*)::int as n from exchange.job_input where job_id = ${up.json.id}`.execute(t.platform.db);
    assert.equal(input.rows[0]!.n, 0, 'the upload is deleted once the job ends');
  });

  test('under a consent-based grant, rows of people without consent are refused and not read', async () => {
    const lender = await t.partner({ member: 'Công ty Cho vay Đồng Ý', kind: 'other' });
    await t.grant(lender.systemId, { service: 'bulk_verification', fields: ['fullName', 'birthDate'], purposes: ['credit_assessment'], basis: { kind: 'consent' } });
    const [yes, no] = [people[5]!, people[6]!];
    await t.x.consents.grant({ idNumber: yes.idNumber, accountId: 'test-account', level: 2 }, { memberId: lender.memberId, purpose: 'credit_assessment', fields: ['fullName', 'birthDate'], validUntil: '2030-01-01' }, { method: 'portal' });
    const up = await upload(lender, `idNumber,fullName,birthDate\n${yes.idNumber},${yes.fullName},${yes.birthDate}\n${no.idNumber},${no.fullName},${no.birthDate}\n`, 'purpose=credit_assessment');
    assert.equal(up.status, 202, up.text);
    await t.x.runner.drain();
    const j = await job(lender, up.json.id);
    assert.deepEqual([j.rows.match, j.rows.refused], [1, 1]);
    const lines = (await result(lender, up.json.id)).text.trimEnd().split('\n');
    assert.match(lines[2]!, /,refused,,,no consent on record$/);
    assert.equal((await t.x.accessLog.history(no.idNumber)).items.filter((i) => i.ref === up.json.id).length, 0, 'the refused person was not read');
    assert.equal((await t.x.accessLog.history(yes.idNumber)).items.filter((i) => i.ref === up.json.id).length, 1);
  });

  test('another system cannot see, cancel or download a job', async () => {
    const jobs = (await telecom.call('GET', '/api/v1/exchange/bulk-jobs')).json.items as any[];
    problem(await narrow.call('GET', `/api/v1/exchange/bulk-jobs/${jobs[0].id}`), 404, 'EXCHANGE_JOB_NOT_FOUND');
    problem(await narrow.call('GET', `/api/v1/exchange/bulk-jobs/${jobs[0].id}/result`), 404, 'EXCHANGE_JOB_NOT_FOUND');
    problem(await narrow.call('POST', `/api/v1/exchange/bulk-jobs/${jobs[0].id}/cancel`), 404, 'EXCHANGE_JOB_NOT_FOUND');
    void call;
  });
});
