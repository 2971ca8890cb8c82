/**
 * eID / OpenID Connect benchmark. Starts its own embedded PostgreSQL (data kept in .tmp/<dir>)
 * with a small synthetic population, runs the platform in a child process and measures over
 * loopback HTTP:
 *   1. client-credentials tokens/s: partner systems with private_key_jwt (a fresh signed client
 *      assertion per request, as the replay check demands), autocannon, 32 connections;
 *   2. full password sign-ins/s (authorize → sign-in page → password → consent remembered →
 *      code → token with private_key_jwt → userinfo), a new browser per sign-in, against the raw
 *      argon2id verification rate at the same parameters measured in the same run;
 *   3. access-token verifications/s at the resource side (AccessTokenVerifier), without and with
 *      its cache of verified tokens.
 * Usage: node --import tsx bench/oidc.bench.ts [--seconds 15] [--dir bench-oidc] [--users 64] [--concurrency 8] [--profile] [--pg-stats]
 * (--profile writes a CPU profile of the platform process to .tmp/prof/)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomUUID, sign as cryptoSign } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { exportJWK, generateKeyPair } from 'jose';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { connect } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { migrations } from '../src/modules.ts';
import { loadPopulation } from '../src/synth/loader.ts';
import { hashPassword } from '../src/platform/auth/password.ts';
import { JoseKeys } from '../src/platform/keys/jose-keys.ts';
import { AccessTokenVerifier } from '../src/identity/oidc/access-tokens.ts';
import { EXCHANGE_RESOURCE } from '../src/identity/oidc/provider.ts';
import { clientKeys, rp, client, UserAgent, formAction } from '../test/harness/oidc.ts';
import { machineBusy, postgresCpu, procStats } from './exchange-setup.ts';
import { PG_STATS_TUNING, PgStats } from './pg-stats.ts';
import { BENCH_APP_ENV, stopProcess } from './app-env.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1]! : dflt; };
const SECONDS = Number(arg('seconds', '15'));
const USERS = Number(arg('users', '64'));
const CONCURRENCY = Number(arg('concurrency', '8'));
const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, '.tmp', arg('dir', 'bench-oidc'));
const PG_PORT = 54393;
const APP_PORT = 8093;
const BASE = `http://127.0.0.1:${APP_PORT}`;
const ISSUER = `${BASE}/oidc`;
const PASSWORD = 'Bench-eID-password-2026';
// Clients are registered anew each run (the data folder is kept between runs; a client id is never replaced).
const RUN = Date.now().toString(36);
const PARTNER = `bench-partner-${RUN}`;
const RP = `bench-rp-${RUN}`;
const ARGON = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

const pct = (s: number[], p: number) => s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');

const t0 = Date.now();
fs.mkdirSync(path.dirname(dataDir), { recursive: true });
const server = await startEmbeddedPostgres({ dataDir, port: PG_PORT, tuning: ['-c', 'shared_buffers=1GB', '-c', 'max_wal_size=4GB', ...(args.includes('--pg-stats') ? PG_STATS_TUNING : [])] });
let app: ChildProcess | null = null;
try {
  const d = connect(server.url, 4);
  await migrateToLatest(d.db, migrations);
  const pool = new pg.Pool({ connectionString: server.url, max: 4 });
  if (Number((await pool.query('select count(*)::int n from registry.person')).rows[0].n) < 20_000) await loadPopulation(pool, { people: 20_000, seed: 7 });
  await pool.query(`insert into platform.officer (username, display_name, password_hash, roles, province_code, created_by) values ('bench-admin', 'Benchmark', $1, '{admin}', null, 'bench') on conflict (username) do nothing`, [await hashPassword('bench-password-not-secret')]);
  // Citizens with active level-1 accounts (made here: the public registration flow is rate-limited per IP by design).
  const people = (await pool.query(`select id_number from registry.person where status = 'living' and birth_year < 2005 order by id_number limit $1`, [USERS])).rows.map((r) => r.id_number as string);
  const pwHash = await hash(PASSWORD, ARGON);
  for (const [i, idNumber] of people.entries()) {
    await pool.query(`insert into identity.account (id_number, level, status, status_changed_at, phone, phone_verified_at, password_hash, created_at, updated_at, synthetic)
      select $1, 1, 'active', now(), $2, now(), $3, now(), now(), true where not exists (select 1 from identity.account where id_number = $1 and status <> 'closed')`, [idNumber, `09${String(10_000_000 + i).slice(-8)}`, pwHash]);
  }
  await pool.end();
  await d.close();

  app = spawn(process.execPath, [...(args.includes('--profile') ? ['--cpu-prof', '--cpu-prof-dir', path.join(root, '.tmp', 'prof')] : []), '--import', 'tsx', 'src/cli.ts', 'start', '--no-seed'], { cwd: root, env: { ...process.env, DATABASE_URL: server.url, PORT: String(APP_PORT), LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '40', LOGIN_MAX_PER_IP_PER_MINUTE: '100000', LOGIN_MAX_FAILURES: '100', ...BENCH_APP_ENV }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    app!.stdout!.on('data', (b: Buffer) => { if (b.toString().includes('Open06 is running')) resolve(); });
    app!.on('exit', (c) => reject(new Error(`app exited ${c}`)));
  });
  const login = await fetch(`${BASE}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-admin', password: 'bench-password-not-secret', bearer: true }) });
  const admin = { authorization: `Bearer ${(await login.json() as { token: string }).token}`, 'content-type': 'application/json' };

  // --- 1. client credentials -------------------------------------------------------------------
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' };
  await fetch(`${BASE}/api/v1/admin/oidc-clients`, { method: 'POST', headers: admin, body: JSON.stringify({ clientId: PARTNER, kind: 'partner_system', organisation: 'Bench partner', jwks: { keys: [jwk] }, scopes: ['exchange'] }) });
  const keyObject = createPrivateKey({ key: await exportJWK(privateKey) as never, format: 'jwk' });
  const header = b64u(JSON.stringify({ alg: 'ES256', kid: 'bench', typ: 'JWT' }));
  const assertion = () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = b64u(JSON.stringify({ iss: PARTNER, sub: PARTNER, aud: ISSUER, jti: randomUUID(), iat: now, exp: now + 60 }));
    const sig = cryptoSign('sha256', Buffer.from(`${header}.${payload}`), { key: keyObject, dsaEncoding: 'ieee-p1363' });
    return `${header}.${payload}.${b64u(sig)}`;
  };
  const ccBody = () => new URLSearchParams({ grant_type: 'client_credentials', scope: 'exchange', client_id: PARTNER, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion() }).toString();
  const lat: number[] = [];
  let errors = 0;
  const tokens: string[] = [];
  const appCpu0 = fs.readFileSync(`/proc/${app.pid}/stat`, 'utf8');
  const inst = autocannon({ url: BASE, connections: 32, duration: SECONDS, requests: [{ method: 'POST', path: '/oidc/token', setupRequest: (req: any) => ({ ...req, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: ccBody() }), onResponse: (status: number, body: string) => { if (status === 200 && tokens.length < 5000) tokens.push(JSON.parse(body).access_token); } }] }) as unknown as import('node:events').EventEmitter & Promise<autocannon.Result>;
  inst.on('response', (_c: unknown, status: number, _b: unknown, ms: number) => { if (status !== 200) errors++; lat.push(ms); });
  await inst;
  const appCpu1 = fs.readFileSync(`/proc/${app.pid}/stat`, 'utf8');
  const ticks = (s: string) => { const f = s.split(') ')[1]!.split(' '); return Number(f[11]) + Number(f[12]); };
  lat.sort((a, b) => a - b);
  const cc = { connections: 32, requests: lat.length, perSecond: Math.round((lat.length - errors) / SECONDS), errors, p50: pct(lat, 50), p95: pct(lat, 95), p99: pct(lat, 99), appCpuCores: +((ticks(appCpu1) - ticks(appCpu0)) / 100 / SECONDS).toFixed(2) };
  console.log(`client credentials: ${cc.perSecond} tokens/s, p50 ${cc.p50} ms, p99 ${cc.p99} ms, errors ${errors}, app CPU ${cc.appCpuCores} cores`);

  // --- 3. resource-side verification ---------------------------------------------------------
  const vpool = connect(server.url, 2);
  const sample = tokens.slice(0, 5000);
  const coldVerifier = new AccessTokenVerifier(new JoseKeys(vpool.db, null), ISSUER, EXCHANGE_RESOURCE);
  await coldVerifier.verify(sample[0]!);
  let t = performance.now();
  for (const tok of sample) await coldVerifier.verify(tok);
  const firstSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  for (let i = 0; i < 200_000; i++) await coldVerifier.verify(sample[i % sample.length]!);
  const cachedSeconds = (performance.now() - t) / 1000;
  const verification = { tokens: sample.length, signatureChecksPerSecond: Math.round(sample.length / firstSeconds), cachedPerSecond: Math.round(200_000 / cachedSeconds) };
  console.log(`verification: ${verification.signatureChecksPerSecond}/s with a signature check each, ${verification.cachedPerSecond}/s for tokens already verified`);
  await vpool.close();

  // --- 2. full password sign-in ----------------------------------------------------------------
  const rpKeys = await clientKeys('bench-rp');
  await fetch(`${BASE}/api/v1/admin/oidc-clients`, { method: 'POST', headers: admin, body: JSON.stringify({ clientId: RP, kind: 'relying_party', organisation: 'Bench RP', redirectUris: ['https://rp.bench/cb'], jwks: rpKeys.jwks, scopes: ['profile', 'id_number'] }) });
  const config = await rp(ISSUER, RP, rpKeys);
  const signInOnce = async (idNumber: string, consent: boolean) => {
    const ua = new UserAgent();
    const verifierPkce = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: 'https://rp.bench/cb', scope: 'openid profile id_number', code_challenge: await client.calculatePKCECodeChallenge(verifierPkce), code_challenge_method: 'S256', state });
    let page = await ua.follow(url.href, 'https://rp.bench/cb');
    page = await ua.follow(formAction(page.html!, page.url, '/login'), 'https://rp.bench/cb', { form: { idNumber, password: PASSWORD } });
    if (consent && page.html?.includes('/consent?')) page = await ua.follow(formAction(page.html, page.url, '/consent'), 'https://rp.bench/cb', { form: { decision: 'allow' } });
    if (!page.stoppedAt) throw new Error(`sign-in did not complete: ${page.res.status} ${page.html?.slice(0, 300)}`);
    const tok = await client.authorizationCodeGrant(config, new URL(page.stoppedAt), { pkceCodeVerifier: verifierPkce, expectedState: state });
    await client.fetchUserInfo(config, tok.access_token, tok.claims()!.sub);
  };
  for (const id of people) await signInOnce(id, true); // consent once per citizen; then it is remembered
  const flowLat: number[] = [];
  let flowErrors = 0;
  // Who is busy during the sign-ins: the platform, PostgreSQL, this load generator, the machine.
  const stats = args.includes('--pg-stats') ? await PgStats.reset(server.url) : null;
  const cpu0 = { app: procStats(app.pid!).cpu, pg: postgresCpu('bench-oidc'), self: process.cpuUsage(), machine: machineBusy() };
  const end = Date.now() + SECONDS * 1000;
  let k = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < end) {
      const s = performance.now();
      try { await signInOnce(people[k++ % people.length]!, false); flowLat.push(performance.now() - s); } catch (e) { flowErrors++; if (flowErrors < 3) console.error(e); }
    }
  }));
  flowLat.sort((a, b) => a - b);
  const selfCpu = process.cpuUsage(cpu0.self);
  await stats?.report(40);
  const cores = { platform: +((procStats(app.pid!).cpu - cpu0.app) / SECONDS).toFixed(2), postgres: +((postgresCpu('bench-oidc') - cpu0.pg) / SECONDS).toFixed(2), loadGenerator: +((selfCpu.user + selfCpu.system) / 1e6 / SECONDS).toFixed(2), machineBusyPct: Math.round(((machineBusy() - cpu0.machine) / (SECONDS * os.cpus().length)) * 100) };
  console.log(`sign-in phase CPU (cores): platform ${cores.platform}, PostgreSQL ${cores.postgres}, load generator ${cores.loadGenerator}; machine ${cores.machineBusyPct} % busy`);
  const flows = { concurrency: CONCURRENCY, cores, completed: flowLat.length, perSecond: +(flowLat.length / SECONDS).toFixed(1), errors: flowErrors, p50: Math.round(pct(flowLat, 50)), p95: Math.round(pct(flowLat, 95)), p99: Math.round(pct(flowLat, 99)) };

  // Raw argon2id verification rate at the same parameters, same machine, same run (threads as the server uses).
  let raw = 0;
  const rawEnd = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: 4 }, async () => { while (Date.now() < rawEnd) { await verify(pwHash, PASSWORD); raw++; } }));
  const rawPerSecond = +(raw / SECONDS).toFixed(1);
  console.log(`full sign-in: ${flows.perSecond}/s (p50 ${flows.p50} ms, p99 ${flows.p99} ms, errors ${flowErrors}) vs raw argon2id ${rawPerSecond}/s → ${Math.round((100 * flows.perSecond) / rawPerSecond)}%`);

  const result = { seconds: SECONDS, machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadavg: os.loadavg().map((x) => +x.toFixed(2)) }, clientCredentials: cc, verification, signIn: { ...flows, rawArgon2idPerSecond: rawPerSecond, ratio: +(flows.perSecond / rawPerSecond).toFixed(2) }, wallSeconds: Math.round((Date.now() - t0) / 1000) };
  console.log(`RESULT ${JSON.stringify(result)}`);
} finally {
  await stopProcess(app);
  await server.stop();
}
