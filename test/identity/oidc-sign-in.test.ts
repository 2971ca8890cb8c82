import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { clientKeys, rp, client, UserAgent, formAction, type ClientKeys } from '../harness/oidc.ts';
import { CITIZEN_PASSWORD, call, officerHeaders, resident, level1Account, level2Account, citizenToken, enableTotp, totpCode } from '../harness/eid.ts';
import { ACR } from '../../src/identity/oidc/levels.ts';
import { SoftAuthenticator } from '../harness/webauthn.ts';

const RP_CB = 'https://benhvien.example.vn/cb';
const BANK_CB = 'https://nganhang.example.vn/cb';
const LOGOUT_CB = 'https://benhvien.example.vn/bye';
const OFFICER_PASSWORD = 'correct-horse-battery-staple';

interface Flow { ua: UserAgent; verifier: string; state: string; nonce: string; url: URL }

async function startFlow(config: client.Configuration, params: Record<string, string>, ua = new UserAgent()): Promise<Flow> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, { code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, nonce, ...params });
  return { ua, verifier, state, nonce, url };
}

/** Goes from the authorization URL through sign-in (and consent when asked) to the redirect back. */
async function signIn(flow: Flow, stopAt: string, idNumber: string, o: { totp?: () => Promise<string>; expectConsent?: boolean } = {}) {
  let page = await flow.ua.follow(flow.url.href, stopAt);
  if (page.html && page.html.includes('/login?')) {
    assert.match(page.html, /Số định danh cá nhân/);
    page = await flow.ua.follow(formAction(page.html, page.url, '/login'), stopAt, { form: { idNumber, password: CITIZEN_PASSWORD } });
  }
  if (page.html && page.html.includes('/totp?')) {
    assert.ok(o.totp, 'a second factor was asked for');
    page = await flow.ua.follow(formAction(page.html, page.url, '/totp'), stopAt, { form: { code: await o.totp!() } });
  }
  if (page.html && page.html.includes('/consent?')) {
    if (o.expectConsent === false) assert.fail('consent asked again');
    page = await flow.ua.follow(formAction(page.html, page.url, '/consent'), stopAt, { form: { decision: 'allow' } });
  } else if (o.expectConsent === true) assert.fail(`no consent page: ${page.html?.slice(0, 500)}`);
  assert.ok(page.stoppedAt, `did not return to the client: ${page.res.status} ${page.html?.slice(0, 800)}`);
  return new URL(page.stoppedAt!);
}

describe('Sign in with eID: authorization code flow with openid-client as the relying party', () => {
  let s: TestServer;
  let hospital: client.Configuration;
  let bank: client.Configuration;
  let keys: ClientKeys;
  const an = { idNumber: '', fullName: 'Nguyễn Văn An', birthDate: '1990-05-17', phone: '0912000001' };
  const binh = { idNumber: '', fullName: 'Trần Thị Bình', birthDate: '1985-02-03', phone: '0912000002' };
  const chi = { idNumber: '', fullName: 'Lê Minh Chí', birthDate: '1979-11-30', phone: '0912000003' };
  const dung = { idNumber: '', fullName: 'Phạm Thị Dung', birthDate: '1992-08-08', phone: '0912000004' };
  const chi2 = { idNumber: '', fullName: 'Đỗ Văn Giang', birthDate: '1988-04-21', phone: '0912000005' };

  before(async () => {
    s = await startTestServer();
    const base = s.baseUrl;
    await s.createOfficer({ username: 'hotich', password: OFFICER_PASSWORD, displayName: 'Hộ tịch', roles: ['registrar'], provinceCode: null });
    await s.createOfficer({ username: 'cancuoc', password: OFFICER_PASSWORD, displayName: 'Căn cước', roles: ['card_officer'], provinceCode: null });
    await s.createOfficer({ username: 'quantri', password: OFFICER_PASSWORD, displayName: 'Quản trị', roles: ['admin'], provinceCode: null });
    const registrar = await officerHeaders(base, 'hotich', OFFICER_PASSWORD);
    const cardOfficer = await officerHeaders(base, 'cancuoc', OFFICER_PASSWORD);
    const admin = await officerHeaders(base, 'quantri', OFFICER_PASSWORD);
    an.idNumber = await resident(base, registrar, { fullName: an.fullName, sex: 'male', birthDate: an.birthDate });
    binh.idNumber = await resident(base, registrar, { fullName: binh.fullName, sex: 'female', birthDate: binh.birthDate });
    chi.idNumber = await resident(base, registrar, { fullName: chi.fullName, sex: 'male', birthDate: chi.birthDate });
    await level1Account(base, an);
    await level1Account(base, chi);
    chi2.idNumber = await resident(base, registrar, { fullName: chi2.fullName, sex: 'male', birthDate: chi2.birthDate });
    await level1Account(base, chi2);
    await level2Account(base, cardOfficer, binh);
    keys = await clientKeys();
    const h = await call(base, 'POST', '/api/v1/admin/oidc-clients', { clientId: 'benh-vien', kind: 'relying_party', organisation: 'Bệnh viện Bạch Mai', purpose: { vi: 'Khám chữa bệnh bằng thẻ căn cước', en: 'Treatment with the ID card' }, redirectUris: [RP_CB], postLogoutRedirectUris: [LOGOUT_CB], jwks: keys.jwks, scopes: ['profile', 'id_number', 'residence', 'phone'], sector: 'y-te' }, admin);
    assert.equal(h.status, 201, JSON.stringify(h.json));
    const b = await call(base, 'POST', '/api/v1/admin/oidc-clients', { clientId: 'ngan-hang', kind: 'relying_party', organisation: 'Ngân hàng Thử nghiệm', redirectUris: [BANK_CB], jwks: keys.jwks, scopes: ['profile'], minLevel: 2, sector: 'ngan-hang' }, admin);
    assert.equal(b.status, 201, JSON.stringify(b.json));
    hospital = await rp(`${base}/oidc`, 'benh-vien', keys);
    bank = await rp(`${base}/oidc`, 'ngan-hang', keys);
  });
  after(async () => { await s.close(); });

  test('PKCE + private_key_jwt + consent + ID token + userinfo; consent remembered; every release audited', async () => {
    const flow = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid profile id_number residence offline_access', prompt: 'consent' });
    const back = await signIn(flow, RP_CB, an.idNumber, { expectConsent: true });
    const tokens = await client.authorizationCodeGrant(hospital, back, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce });
    const claims = tokens.claims()!;
    assert.equal(claims.acr, ACR[1]);
    assert.equal(claims.name, undefined, 'profile claims come from userinfo, not the ID token');
    assert.ok(tokens.refresh_token);
    const info = await client.fetchUserInfo(hospital, tokens.access_token, claims.sub);
    assert.equal(info.name, an.fullName);
    assert.equal(info.birthdate, an.birthDate);
    assert.equal(info.id_number, an.idNumber);
    assert.equal(info.gender, 'male');
    assert.match(String((info.residence as { permanent: { formatted: string } }).permanent.formatted), /Kim Mã/);
    assert.equal(info.phone_number, undefined, 'phone was not asked for');
    // The subject is pairwise: not the account id, and different for another sector.
    const account = await s.platform.db.selectFrom('identity.account').select('id').where('id_number', '=', an.idNumber).executeTakeFirstOrThrow();
    assert.notEqual(claims.sub, account.id);

    const released = await sql<{ n: number }>`select count(*)::int n from platform.audit_inbox where subject_id = ${an.idNumber} and action = 'eid.claims.release'
      union all select count(*)::int from platform.audit_log where subject_id = ${an.idNumber} and action = 'eid.claims.release'`.execute(s.platform.db);
    assert.ok(released.rows.reduce((a, r) => a + r.n, 0) >= 2, 'ID token and userinfo releases are audited');

    // Another browser, same citizen: signs in again, but is not asked to consent again.
    const again = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid profile id_number' });
    const back2 = await signIn(again, RP_CB, an.idNumber, { expectConsent: false });
    const t2 = await client.authorizationCodeGrant(hospital, back2, { pkceCodeVerifier: again.verifier, expectedState: again.state, expectedNonce: again.nonce });
    assert.equal(t2.claims()!.sub, claims.sub, 'stable pairwise subject');

    // The authorization code cannot be used twice.
    await assert.rejects(client.authorizationCodeGrant(hospital, back2, { pkceCodeVerifier: again.verifier, expectedState: again.state, expectedNonce: again.nonce }), (e: Error & { error?: string }) => e.error === 'invalid_grant');
  });

  test('pushed authorization requests and DPoP-bound tokens', async () => {
    const dpop = client.getDPoPHandle(hospital, await client.randomDPoPKeyPair('ES256'));
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = await client.buildAuthorizationUrlWithPAR(hospital, { redirect_uri: RP_CB, scope: 'openid profile', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state }, { DPoP: dpop });
    assert.ok(url.searchParams.get('request_uri')?.startsWith('urn:ietf:params:oauth:request_uri:'));
    assert.equal(url.searchParams.get('scope'), null, 'the request itself went by the back channel');
    const back = await signIn({ ua: new UserAgent(), verifier, state, nonce: '', url }, RP_CB, an.idNumber);
    const tokens = await client.authorizationCodeGrant(hospital, back, { pkceCodeVerifier: verifier, expectedState: state }, undefined, { DPoP: dpop });
    assert.equal(tokens.token_type.toLowerCase(), 'dpop');
    const info = await client.fetchUserInfo(hospital, tokens.access_token, tokens.claims()!.sub, { DPoP: dpop });
    assert.equal(info.name, an.fullName);
    // Without the proof of possession, the bound token is worthless.
    const stolen = await fetch(`${s.baseUrl}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(stolen.status, 401);
  });

  test('refresh tokens rotate; reusing an old one revokes the whole grant', async () => {
    const flow = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid profile offline_access', prompt: 'consent' });
    const tokens = await client.authorizationCodeGrant(hospital, await signIn(flow, RP_CB, an.idNumber), { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce });
    const first = tokens.refresh_token!;
    const rotated = await client.refreshTokenGrant(hospital, first);
    assert.ok(rotated.refresh_token && rotated.refresh_token !== first);
    await assert.rejects(client.refreshTokenGrant(hospital, first), (e: Error & { error?: string }) => e.error === 'invalid_grant');
    await assert.rejects(client.refreshTokenGrant(hospital, rotated.refresh_token!), (e: Error & { error?: string }) => e.error === 'invalid_grant', 'the rotated token died with the grant');
  });

  test('a wrong redirect URI gets an error page, never a redirect; a request without PKCE is refused', async () => {
    const wrong = await startFlow(hospital, { redirect_uri: 'https://evil.example/cb', scope: 'openid' });
    const page = await wrong.ua.follow(wrong.url.href, 'https://evil.example');
    assert.equal(page.stoppedAt, null);
    assert.equal(page.res.status, 400);
    assert.match(page.html!, /redirect_uri/);

    const noPkce = new URL(wrong.url);
    noPkce.searchParams.set('redirect_uri', RP_CB);
    noPkce.searchParams.delete('code_challenge');
    noPkce.searchParams.delete('code_challenge_method');
    const r = await new UserAgent().follow(noPkce.href, RP_CB);
    const back = new URL(r.stoppedAt!);
    assert.equal(back.searchParams.get('error'), 'invalid_request');
    assert.match(back.searchParams.get('error_description') ?? '', /PKCE/);
  });

  test('a client requiring level 2: a level-1 account is refused with a clear error; a level-2 account steps up with TOTP', async () => {
    const flow = await startFlow(bank, { redirect_uri: BANK_CB, scope: 'openid profile' });
    let page = await flow.ua.follow(flow.url.href, BANK_CB);
    page = await flow.ua.follow(formAction(page.html!, page.url, '/login'), BANK_CB, { form: { idNumber: an.idNumber, password: CITIZEN_PASSWORD } });
    assert.equal(page.res.status, 403);
    assert.match(page.html!, /mức độ 2/);
    const abort = /href="([^"]+abort[^"]*)"/.exec(page.html!)![1]!.replace(/&amp;/g, '&');
    const refused = await flow.ua.follow(new URL(abort, page.url).href, BANK_CB);
    assert.equal(new URL(refused.stoppedAt!).searchParams.get('error'), 'unmet_authentication_requirements');

    // Bình (level 2) signs in to the hospital with her password only: a level-1 session.
    const ua = new UserAgent();
    const h = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid profile' }, ua);
    const ht = await client.authorizationCodeGrant(hospital, await signIn(h, RP_CB, binh.idNumber), { pkceCodeVerifier: h.verifier, expectedState: h.state, expectedNonce: h.nonce });
    assert.equal(ht.claims()!.acr, ACR[1]);
    // She turns on TOTP, then the bank (level 2) asks only for the second factor in the same browser.
    const secret = await enableTotp(s.baseUrl, await citizenToken(s.baseUrl, binh.idNumber));
    const b = await startFlow(bank, { redirect_uri: BANK_CB, scope: 'openid profile' }, ua);
    const first = await ua.follow(b.url.href, BANK_CB);
    assert.ok(first.html?.includes('/totp?'), 'step-up page asks for the code');
    assert.ok(!first.html?.includes('name="password"'), 'no password asked again');
    const back = await signIn(b, BANK_CB, binh.idNumber, { totp: () => totpCode(secret, 1) });
    const bt = await client.authorizationCodeGrant(bank, back, { pkceCodeVerifier: b.verifier, expectedState: b.state, expectedNonce: b.nonce });
    assert.equal(bt.claims()!.acr, ACR[2]);
    assert.deepEqual(bt.claims()!.amr, ['pwd', 'otp', 'mfa']);
    assert.notEqual(bt.claims()!.sub, ht.claims()!.sub, 'different sectors see different subjects');
  });

  test('a passkey signs a level-2 citizen in at level 2 through the same pages', async () => {
    dung.idNumber = await resident(s.baseUrl, await officerHeaders(s.baseUrl, 'hotich', OFFICER_PASSWORD), { fullName: dung.fullName, sex: 'female', birthDate: dung.birthDate });
    await level2Account(s.baseUrl, await officerHeaders(s.baseUrl, 'cancuoc', OFFICER_PASSWORD), dung);
    const auth = new SoftAuthenticator(s.baseUrl);
    const token = await citizenToken(s.baseUrl, dung.idNumber);
    const o = await call(s.baseUrl, 'POST', '/api/v1/eid/me/passkeys/options', undefined, { authorization: `Bearer ${token}` });
    const reg = await call(s.baseUrl, 'POST', '/api/v1/eid/me/passkeys', { challengeId: o.json.challengeId, response: auth.create(o.json.options), name: 'Điện thoại' }, { authorization: `Bearer ${token}` });
    assert.equal(reg.status, 201, JSON.stringify(reg.json));

    const flow = await startFlow(bank, { redirect_uri: BANK_CB, scope: 'openid profile' });
    const page = await flow.ua.follow(flow.url.href, BANK_CB);
    const uid = /data-uid="([^"]+)"/.exec(page.html!)![1]!;
    const options = await flow.ua.request(`${s.baseUrl}/oidc/interaction/${uid}/passkey/options`, { json: {} });
    const { challengeId, options: requestOptions } = await options.json() as { challengeId: string; options: { challenge: string; rpId: string } };
    const done = await flow.ua.request(`${s.baseUrl}/oidc/interaction/${uid}/passkey`, { json: { challengeId, response: auth.get(requestOptions) } });
    assert.equal(done.status, 200);
    const { location } = await done.json() as { location: string };
    let next = await flow.ua.follow(location, BANK_CB);
    if (next.html?.includes('/consent?')) next = await flow.ua.follow(formAction(next.html, next.url, '/consent'), BANK_CB, { form: { decision: 'allow' } });
    const tokens = await client.authorizationCodeGrant(bank, new URL(next.stoppedAt!), { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce });
    assert.equal(tokens.claims()!.acr, ACR[2]);
    assert.deepEqual(tokens.claims()!.amr, ['hwk', 'user']);
  });

  test('the citizen withdraws an application: its tokens end and consent is asked again', async () => {
    const flow = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid profile offline_access', prompt: 'consent' });
    const tokens = await client.authorizationCodeGrant(hospital, await signIn(flow, RP_CB, chi2.idNumber, { expectConsent: true }), { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce });
    const auth = { authorization: `Bearer ${await citizenToken(s.baseUrl, chi2.idNumber)}` };
    const apps = await call(s.baseUrl, 'GET', '/api/v1/eid/me/applications', undefined, auth);
    assert.equal(apps.status, 200);
    const item = apps.json.items.find((a: { clientId: string }) => a.clientId === 'benh-vien');
    assert.equal(item.organisation, 'Bệnh viện Bạch Mai');
    assert.ok(item.scopes.includes('profile'));
    assert.equal((await call(s.baseUrl, 'DELETE', '/api/v1/eid/me/applications/benh-vien', undefined, auth)).status, 204);
    await assert.rejects(client.refreshTokenGrant(hospital, tokens.refresh_token!));
    await assert.rejects(client.fetchUserInfo(hospital, tokens.access_token, tokens.claims()!.sub));
    assert.equal((await call(s.baseUrl, 'DELETE', '/api/v1/eid/me/applications/benh-vien', undefined, auth)).status, 404);
    const again = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid profile' });
    await signIn(again, RP_CB, chi2.idNumber, { expectConsent: true });
  });

  test('a client an administrator marked for client_secret_basic gets its secret once and uses it', async () => {
    const admin = await officerHeaders(s.baseUrl, 'quantri', OFFICER_PASSWORD);
    const reg = await call(s.baseUrl, 'POST', '/api/v1/admin/oidc-clients', { clientId: 'cong-dich-vu', kind: 'relying_party', organisation: 'Cổng dịch vụ công tỉnh', redirectUris: ['https://dvc.example.vn/cb'], scopes: ['profile'], clientSecretBasic: true }, admin);
    assert.equal(reg.status, 201, JSON.stringify(reg.json));
    assert.equal(reg.json.tokenEndpointAuthMethod, 'client_secret_basic');
    const secret = reg.json.clientSecret as string;
    assert.ok(secret.length >= 40);
    const listed = await call(s.baseUrl, 'GET', '/api/v1/admin/oidc-clients', undefined, admin);
    assert.ok(!JSON.stringify(listed.json).includes(secret), 'the secret is never shown again');
    const config = await client.discovery(new URL(`${s.baseUrl}/oidc`), 'cong-dich-vu', { id_token_signed_response_alg: 'ES256' }, client.ClientSecretBasic(secret), { execute: [client.allowInsecureRequests] });
    const flow = await startFlow(config, { redirect_uri: 'https://dvc.example.vn/cb', scope: 'openid profile' });
    const tokens = await client.authorizationCodeGrant(config, await signIn(flow, 'https://dvc.example.vn/cb', chi2.idNumber), { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce });
    assert.ok(tokens.access_token);
    const wrong = await client.discovery(new URL(`${s.baseUrl}/oidc`), 'cong-dich-vu', {}, client.ClientSecretBasic('not-the-secret'), { execute: [client.allowInsecureRequests] });
    const f2 = await startFlow(wrong, { redirect_uri: 'https://dvc.example.vn/cb', scope: 'openid profile' });
    await assert.rejects(client.authorizationCodeGrant(wrong, await signIn(f2, 'https://dvc.example.vn/cb', chi2.idNumber), { pkceCodeVerifier: f2.verifier, expectedState: f2.state, expectedNonce: f2.nonce }), (e: Error & { error?: string; status?: number }) => e.error === 'invalid_client' || (e.name === 'WWWAuthenticateChallengeError' && e.status === 401));
  });

  test('a locked account is told so on the sign-in page, without revealing more', async () => {
    const flow = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid' });
    let page = await flow.ua.follow(flow.url.href, RP_CB);
    for (let i = 0; i < 5; i++) {
      page = await flow.ua.follow(formAction(page.html!, page.url, '/login'), RP_CB, { form: { idNumber: chi.idNumber, password: 'sai-mat-khau-roi' } });
      assert.equal(page.res.status, 401);
    }
    page = await flow.ua.follow(formAction(page.html!, page.url, '/login'), RP_CB, { form: { idNumber: chi.idNumber, password: CITIZEN_PASSWORD } });
    assert.equal(page.res.status, 401);
    assert.match(page.html!, /khoá|khóa/i);
    assert.match(page.html!, new RegExp(`value="${chi.idNumber}"`), 'the form keeps what was typed');
    // An ID number without an account and a wrong password get the same words.
    const alert = (html: string) => /<div class="alert"[\s\S]*?<\/div>/.exec(html)![0];
    const unknown = await flow.ua.follow(formAction(page.html!, page.url, '/login'), RP_CB, { form: { idNumber: '001099999999', password: 'sai-mat-khau-roi' } });
    const wrong = await flow.ua.follow(formAction(page.html!, page.url, '/login'), RP_CB, { form: { idNumber: binh.idNumber, password: 'sai-mat-khau-roi' } });
    assert.equal(unknown.res.status, 401);
    assert.equal(alert(unknown.html!).replace(/001099999999/g, 'X'), alert(wrong.html!).replace(new RegExp(binh.idNumber, 'g'), 'X'));
  });

  test('RP-initiated logout ends the provider session', async () => {
    const ua = new UserAgent();
    const flow = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid' }, ua);
    const tokens = await client.authorizationCodeGrant(hospital, await signIn(flow, RP_CB, an.idNumber), { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce });
    const end = client.buildEndSessionUrl(hospital, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: LOGOUT_CB, state: 'bye' });
    const confirm = await ua.follow(end.href, LOGOUT_CB);
    assert.match(confirm.html!, /Đăng xuất/);
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(confirm.html!)!;
    const fields = Object.fromEntries([...form[2]!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const done = await ua.follow(new URL(form[1]!, confirm.url).href, LOGOUT_CB, { form: { ...fields, logout: 'yes' } });
    assert.equal(new URL(done.stoppedAt!).searchParams.get('state'), 'bye');
    // Signed out: the next authorization asks for the password again.
    const next = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid' }, ua);
    const page = await ua.follow(next.url.href, RP_CB);
    assert.ok(page.html?.includes('/login?'));
  });

  test('revoking the other devices in the portal ends the browser\'s single sign-on and the tokens that live with it', async () => {
    const hoa = { idNumber: '', fullName: 'Võ Thị Hoa', birthDate: '1991-09-09', phone: '0912000006' };
    hoa.idNumber = await resident(s.baseUrl, await officerHeaders(s.baseUrl, 'hotich', OFFICER_PASSWORD), { fullName: hoa.fullName, sex: 'female', birthDate: hoa.birthDate });
    await level1Account(s.baseUrl, hoa);
    const ua = new UserAgent();
    const first = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid' }, ua);
    const tokens = await client.authorizationCodeGrant(hospital, await signIn(first, RP_CB, hoa.idNumber), { pkceCodeVerifier: first.verifier, expectedState: first.state, expectedNonce: first.nonce });
    // Single sign-on: the same browser comes back without the password.
    const sso = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid' }, ua);
    assert.ok((await ua.follow(sso.url.href, RP_CB)).stoppedAt, 'signed in without the password');
    const account = await s.platform.db.selectFrom('identity.account').select('id').where('id_number', '=', hoa.idNumber).executeTakeFirstOrThrow();
    const providerSessions = () => s.platform.db.selectFrom('identity.oidc_payloads').select('id').where('model', '=', 'Session').where('account_id', '=', String(account.id)).execute();
    assert.ok((await providerSessions()).length > 0);

    // From another device, the citizen signs out everywhere else.
    const auth = { authorization: `Bearer ${await citizenToken(s.baseUrl, hoa.idNumber)}` };
    const r = await call(s.baseUrl, 'POST', '/api/v1/eid/me/sessions/revoke-others', {}, auth);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.ok(r.json.revoked >= 1);
    let ended = false;
    for (let i = 0; i < 100 && !ended; i++) {
      await new Promise((res) => setTimeout(res, 100));
      ended = (await providerSessions()).length === 0;
    }
    assert.ok(ended, 'the provider sessions were ended');
    const next = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid' }, ua);
    const page = await ua.follow(next.url.href, RP_CB);
    assert.ok(page.html?.includes('/login?'), 'the browser is asked for the password again');
    // Tokens issued without offline_access live with the provider session: they end with it.
    await assert.rejects(client.fetchUserInfo(hospital, tokens.access_token, tokens.claims()!.sub));
  });

  /** A citizen with a level-1 account, new for the test. */
  const newCitizen = async (fullName: string, birthDate: string, phone: string) => {
    const c = { idNumber: '', fullName, birthDate, phone };
    c.idNumber = await resident(s.baseUrl, await officerHeaders(s.baseUrl, 'hotich', OFFICER_PASSWORD), { fullName, sex: 'female', birthDate });
    await level1Account(s.baseUrl, c);
    const account = await s.platform.db.selectFrom('identity.account').select('id').where('id_number', '=', c.idNumber).executeTakeFirstOrThrow();
    return { ...c, accountId: String(account.id) };
  };
  const providerSessionCount = async (accountId: string) => (await s.platform.db.selectFrom('identity.oidc_payloads').select('id').where('model', '=', 'Session').where('account_id', '=', accountId).execute()).length;
  const waitForProviderSessions = async (accountId: string, n: number) => {
    for (let i = 0; i < 100 && (await providerSessionCount(accountId)) !== n; i++) await new Promise((res) => setTimeout(res, 100));
    assert.equal(await providerSessionCount(accountId), n);
  };
  /** Whether the browser's next authorization at the hospital shows the password form. */
  const asksForPassword = async (ua: UserAgent) => {
    const next = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid' }, ua);
    const page = await ua.follow(next.url.href, RP_CB);
    return !!page.html?.includes('name="password"');
  };
  const deviceSessionOf = async (accountId: string, userAgent: string) =>
    String((await s.platform.db.selectFrom('identity.session').select('id').where('account_id', '=', accountId).where('user_agent', '=', userAgent).executeTakeFirstOrThrow()).id);

  test('revoking one device ends single sign-on in that browser only', async () => {
    const lan = await newCitizen('Đặng Thị Lan', '1994-03-03', '0912000007');
    const a = new UserAgent({ 'user-agent': 'Browser A (Windows)' });
    const b = new UserAgent({ 'user-agent': 'Browser B (Android)' });
    for (const ua of [a, b]) {
      const flow = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid' }, ua);
      await client.authorizationCodeGrant(hospital, await signIn(flow, RP_CB, lan.idNumber), { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce });
    }
    assert.equal(await providerSessionCount(lan.accountId), 2);
    const links = await sql<{ n: number }>`select count(*)::int n from identity.oidc_session_device l join identity.session d on d.id = l.device_session_id where d.account_id = ${lan.accountId}::uuid`.execute(s.platform.db);
    assert.equal(links.rows[0]!.n, 2, 'each browser\'s provider session is linked to its device session');

    const auth = { authorization: `Bearer ${await citizenToken(s.baseUrl, lan.idNumber)}` };
    const r = await call(s.baseUrl, 'DELETE', `/api/v1/eid/me/sessions/${await deviceSessionOf(lan.accountId, 'Browser A (Windows)')}`, undefined, auth);
    assert.equal(r.status, 204, JSON.stringify(r.json));
    await waitForProviderSessions(lan.accountId, 1);
    assert.equal(await asksForPassword(a), true, 'browser A signs in again');
    assert.equal(await asksForPassword(b), false, 'browser B keeps its single sign-on');
  });

  test('"sign out other devices" from the portal keeps this browser\'s single sign-on and ends the others\'; a password change ends all', async () => {
    const mai = await newCitizen('Hồ Thị Mai', '1987-07-07', '0912000008');
    // Browser K signs in to the portal (the first-party client): its device session is made by the portal's callback.
    const k = new UserAgent({ 'user-agent': 'Browser K (macOS)' });
    const NEVER = 'https://never.example';
    let page = await k.follow(`${s.baseUrl}/portal/login`, NEVER);
    page = await k.follow(formAction(page.html!, page.url, '/login'), NEVER, { form: { idNumber: mai.idNumber, password: CITIZEN_PASSWORD } });
    assert.equal((await k.request(`${s.baseUrl}/api/v1/eid/me`)).status, 200, 'signed in to the portal');
    // Browser A signs in to the hospital.
    const a = new UserAgent({ 'user-agent': 'Browser A (Windows)' });
    const flow = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid' }, a);
    await signIn(flow, RP_CB, mai.idNumber);
    assert.equal(await providerSessionCount(mai.accountId), 2);

    const r = await k.request(`${s.baseUrl}/api/v1/eid/me/sessions/revoke-others`, { method: 'POST', json: {} });
    assert.equal(r.status, 200, await r.text());
    await waitForProviderSessions(mai.accountId, 1);
    assert.equal(await asksForPassword(a), true, 'browser A signs in again');
    assert.equal(await asksForPassword(k), false, 'browser K, the current device, keeps its single sign-on');

    // A password change ends single sign-on everywhere, the current browser's too.
    const c = await k.request(`${s.baseUrl}/api/v1/eid/me/password`, { method: 'POST', json: { currentPassword: CITIZEN_PASSWORD, newPassword: 'Mot-mat-khau-moi-2026!' } });
    assert.equal(c.status, 204, await c.text());
    await waitForProviderSessions(mai.accountId, 0);
    assert.equal(await asksForPassword(k), true);
  });

  test('a death closes the account: refresh tokens and userinfo stop working', async () => {
    const flow = await startFlow(hospital, { redirect_uri: RP_CB, scope: 'openid profile offline_access', prompt: 'consent' });
    const tokens = await client.authorizationCodeGrant(hospital, await signIn(flow, RP_CB, an.idNumber), { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce });
    const sub = tokens.claims()!.sub;
    await client.fetchUserInfo(hospital, tokens.access_token, sub);
    const registrar = await officerHeaders(s.baseUrl, 'hotich', OFFICER_PASSWORD);
    const d = await call(s.baseUrl, 'POST', `/api/v1/registry/people/${an.idNumber}/death`, { legalBasis: 'Luật Hộ tịch 2014, Điều 32', deathDate: new Date().toISOString().slice(0, 10) }, registrar);
    assert.equal(d.status, 200, JSON.stringify(d.json));
    const account = await s.platform.db.selectFrom('identity.account').select('id').where('id_number', '=', an.idNumber).executeTakeFirstOrThrow();
    let closed = false;
    for (let i = 0; i < 100 && !closed; i++) {
      await new Promise((r) => setTimeout(r, 100));
      closed = (await s.platform.db.selectFrom('identity.oidc_payloads').select('id').where('account_id', '=', String(account.id)).execute()).length === 0;
    }
    assert.ok(closed, 'the grants were revoked');
    await assert.rejects(client.refreshTokenGrant(hospital, tokens.refresh_token!));
    await assert.rejects(client.fetchUserInfo(hospital, tokens.access_token, sub));
    const signInAgain = await call(s.baseUrl, 'POST', '/api/v1/eid/sessions', { idNumber: an.idNumber, password: CITIZEN_PASSWORD });
    assert.equal(signInAgain.status >= 400, true);
  });
});
