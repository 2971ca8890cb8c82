/**
 * Passkeys with a software authenticator (test/harness/webauthn.ts: real ES256 keys, CBOR, COSE,
 * attestation "none"), verified by @simplewebauthn/server unmodified: registration, sign-in
 * (discoverable, user verification), counters, a bad signature, another origin, rename and delete.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SoftAuthenticator } from '../harness/webauthn.ts';
import { eidTestApp, newPhone, problem, ORIGIN, type EidTestApp } from './accounts.harness.ts';

type H = Record<string, string>;

describe('eID passkeys', () => {
  let t: EidTestApp;
  let id: string;
  let h: H;
  const authenticator = new SoftAuthenticator(ORIGIN);

  before(async () => {
    t = await eidTestApp();
    id = await t.person({ fullName: 'Phan Thị Khoá', sex: 'female', birthDate: '1989-08-18' });
    await t.level2({ idNumber: id, phone: newPhone() });
    h = await t.citizen(id);
  });
  after(async () => { await t.close(); });

  const register = async (name?: string) => {
    const o = await t.post('/api/v1/eid/me/passkeys/options', {}, h);
    assert.equal(o.statusCode, 200, o.body);
    return { options: o.json(), res: await t.post('/api/v1/eid/me/passkeys', { challengeId: o.json().challengeId, response: authenticator.create(o.json().options), ...(name ? { name } : {}) }, h) };
  };
  const signIn = async (response: (options: any) => object, idNumber?: string) => {
    const o = await t.post('/api/v1/eid/passkeys/authentication/options', idNumber ? { idNumber } : {});
    assert.equal(o.statusCode, 200, o.body);
    return t.post('/api/v1/eid/passkeys/authentication', { challengeId: o.json().challengeId, response: response(o.json().options) });
  };

  test('registration: options ask for a discoverable credential with user verification; the passkey is stored and listed', async () => {
    const { options, res } = await register('Điện thoại của tôi');
    assert.equal(options.options.rp.id, 'localhost');
    assert.equal(options.options.authenticatorSelection.residentKey, 'required');
    assert.equal(options.options.authenticatorSelection.userVerification, 'required');
    assert.equal(options.options.attestation, 'none');
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().name, 'Điện thoại của tôi');
    assert.deepEqual(res.json().transports, ['internal']);
    const list = await t.get('/api/v1/eid/me/passkeys', h);
    assert.equal(list.json().items.length, 1);
    assert.equal(list.json().items[0].credentialId, authenticator.credentials[0]!.id.toString('base64url'));
    // The next options exclude it; a challenge is used once.
    const again = await t.post('/api/v1/eid/me/passkeys/options', {}, h);
    assert.deepEqual(again.json().options.excludeCredentials.map((c: any) => c.id), [list.json().items[0].credentialId]);
    problem(await t.post('/api/v1/eid/me/passkeys', { challengeId: options.challengeId, response: new SoftAuthenticator(ORIGIN).create(options.options) }, h), 400, 'EID_CHALLENGE_INVALID');
  });

  test('sign-in with the passkey: a session with method passkey and acr 2 (level-2 account); the counter moves', async () => {
    const res = await signIn((o) => authenticator.get(o));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().account.idNumber, id);
    const bearer = { authorization: `Bearer ${res.json().token}` };
    const current = (await t.get('/api/v1/eid/me/sessions', bearer)).json().items.find((s: any) => s.current);
    assert.equal(current.method, 'passkey');
    assert.equal(current.acr, 2);
    assert.ok((await t.get('/api/v1/eid/me/passkeys', bearer)).json().items[0].lastUsedAt);
    // Bound to an ID number: only that person's passkey.
    assert.equal((await signIn((o) => authenticator.get(o), id)).statusCode, 200);
    problem(await signIn((o) => authenticator.get(o), '001090000003'), 401, 'EID_PASSKEY_FAILED');
  });

  test('refused: a bad signature, another origin, a counter that goes back, a used challenge, an unknown credential', async () => {
    problem(await signIn((o) => authenticator.get(o, { tamper: true })), 401, 'EID_PASSKEY_FAILED');
    problem(await signIn((o) => authenticator.get(o, { origin: 'https://evil.example' })), 401, 'EID_PASSKEY_FAILED');
    problem(await signIn((o) => authenticator.get(o, { counter: 1 })), 401, 'EID_PASSKEY_FAILED');
    problem(await signIn((o) => { const s = new SoftAuthenticator(ORIGIN); s.create({ challenge: 'x', rp: { id: 'localhost', name: 'x' }, user: { id: 'AAAA', name: 'x', displayName: 'x' } }); return s.get(o); }), 401, 'EID_PASSKEY_FAILED');
    const o = await t.post('/api/v1/eid/passkeys/authentication/options', {});
    // (The counter went back above; the authenticator moves past the server's value again.)
    const body = { challengeId: o.json().challengeId, response: authenticator.get(o.json().options, { counter: 100 }) };
    assert.equal((await t.post('/api/v1/eid/passkeys/authentication', body)).statusCode, 200);
    problem(await t.post('/api/v1/eid/passkeys/authentication', body), 400, 'EID_CHALLENGE_INVALID');
    // Options expire after 5 minutes.
    const late = await t.post('/api/v1/eid/passkeys/authentication/options', {});
    t.clock.advance(5 * 60_000 + 1);
    problem(await t.post('/api/v1/eid/passkeys/authentication', { challengeId: late.json().challengeId, response: authenticator.get(late.json().options) }), 400, 'EID_CHALLENGE_INVALID');
    // The failures are in the citizen's history.
    const history = (await t.get('/api/v1/eid/me/sign-ins', await t.citizen(id))).json().items;
    assert.ok(history.some((i: any) => i.outcome === 'failure' && i.method === 'passkey'));
  });

  test('a passkey signs in while password failures hold the account locked (a passkey cannot be guessed), and clears the lock', async () => {
    for (let i = 0; i < 5; i++) await t.signIn(id, 'wrong-password-again');
    problem(await t.signIn(id), 423, 'EID_ACCOUNT_LOCKED');
    assert.equal((await signIn((o) => authenticator.get(o))).statusCode, 200);
    assert.equal((await t.signIn(id)).statusCode, 200);
  });

  test('rename and delete; a deleted passkey no longer signs in; another citizen cannot touch it', async () => {
    const credentialId = authenticator.credentials[0]!.id.toString('base64url');
    const other = await t.person({ fullName: 'Phan Văn Khác', sex: 'male', birthDate: '1990-01-02' });
    await t.level1({ idNumber: other, fullName: 'Phan Văn Khác', birthDate: '1990-01-02', phone: newPhone() });
    const otherH = await t.citizen(other);
    problem(await t.app.inject({ method: 'PATCH', url: `/api/v1/eid/me/passkeys/${credentialId}`, headers: otherH, payload: { name: 'của tôi' } }) as any, 404, 'EID_PASSKEY_NOT_FOUND');
    problem(await t.del(`/api/v1/eid/me/passkeys/${credentialId}`, undefined, otherH), 404, 'EID_PASSKEY_NOT_FOUND');
    const renamed = await t.app.inject({ method: 'PATCH', url: `/api/v1/eid/me/passkeys/${credentialId}`, headers: h, payload: { name: '  Máy tính bảng ' } });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json().name, 'Máy tính bảng');
    assert.equal((await t.del(`/api/v1/eid/me/passkeys/${credentialId}`, undefined, h)).statusCode, 204);
    assert.equal((await t.get('/api/v1/eid/me/passkeys', h)).json().items.length, 0);
    problem(await signIn((o) => authenticator.get(o)), 401, 'EID_PASSKEY_FAILED');
  });
});
