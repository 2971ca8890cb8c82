import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { clientKeys, rp, client, type ClientKeys } from '../harness/oidc.ts';
import { officerHeaders } from '../harness/eid.ts';
import { oidcServices } from '../../src/identity/oidc/oidc.module.ts';
import { EXCHANGE_RESOURCE } from '../../src/identity/oidc/provider.ts';
import { AccessTokenRejected } from '../../src/identity/oidc/access-tokens.ts';
import { providerStoreEnabled } from '../../src/identity/oidc/provider-context.ts';

async function adminHeaders(s: TestServer): Promise<Record<string, string>> {
  await s.createOfficer({ username: 'quantri', password: 'correct-horse-battery-staple', displayName: 'Quản trị', roles: ['admin'], provinceCode: null });
  return { ...(await officerHeaders(s.baseUrl, 'quantri', 'correct-horse-battery-staple')), 'content-type': 'application/json' };
}

describe('partner systems get access tokens with client credentials and private_key_jwt', () => {
  let s: TestServer;
  let admin: Record<string, string>;
  let keys: ClientKeys;
  let issuer: string;
  before(async () => {
    s = await startTestServer();
    admin = await adminHeaders(s);
    keys = await clientKeys();
    issuer = `${s.baseUrl}/oidc`;
    const res = await fetch(`${s.baseUrl}/api/v1/admin/oidc-clients`, { method: 'POST', headers: admin, body: JSON.stringify({ clientId: 'bank-ekyc', kind: 'partner_system', organisation: 'Ngân hàng Thử nghiệm', jwks: keys.jwks, scopes: ['exchange'] }) });
    assert.equal(res.status, 201, await res.text());
  });
  after(async () => { await s.close(); });

  test('discovery names the endpoints and only what we allow', async () => {
    const meta = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    assert.equal(meta.issuer, issuer);
    assert.deepEqual(meta.response_types_supported, ['code']);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    assert.deepEqual((meta.token_endpoint_auth_methods_supported as string[]).sort(), ['client_secret_basic', 'private_key_jwt']);
    assert.ok((meta.acr_values_supported as string[]).includes('urn:open06:eid:level2'));
    assert.ok(meta.pushed_authorization_request_endpoint);
    assert.ok(meta.dpop_signing_alg_values_supported);
    const jwks = await (await fetch(`${issuer}/jwks`)).json() as { keys: Array<Record<string, unknown>> };
    assert.ok(jwks.keys.length >= 1);
    assert.ok(jwks.keys.every((k) => !('d' in k)), 'no private key material is published');
  });

  test('openid-client obtains a JWT access token for the exchange, and the resource side verifies it', async () => {
    const config = await rp(issuer, 'bank-ekyc', keys);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'exchange' });
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    const claims = decodeJwt(tokens.access_token);
    assert.equal(claims.client_id, 'bank-ekyc');
    assert.equal(claims.aud, EXCHANGE_RESOURCE);
    assert.equal(decodeProtectedHeader(tokens.access_token).typ, 'at+jwt');
    const v = await oidcServices(s.platform).verifier.verify(tokens.access_token);
    assert.equal(v.clientId, 'bank-ekyc');
    assert.deepEqual(v.scope, ['exchange']);
  });

  test('the provider\'s request store is on only while one of its requests is in flight: other requests pay no promise hooks, overlapping token requests all succeed', async () => {
    const config = await rp(issuer, 'bank-ekyc', keys);
    let sawOn = false;
    let polling = true;
    const poll = () => { if (providerStoreEnabled()) sawOn = true; if (polling) setImmediate(poll); };
    poll();
    const all = await Promise.all(Array.from({ length: 16 }, () => client.clientCredentialsGrant(config, { scope: 'exchange' })));
    polling = false;
    for (const t of all) assert.equal(decodeJwt(t.access_token).client_id, 'bank-ekyc');
    const lifetimes = new Set(all.map((t) => { const c = decodeJwt(t.access_token); return c.exp! - c.iat!; }));
    assert.equal(lifetimes.size, 1, 'every token got the configured lifetime (the provider read its context)');
    // Node 24 keeps async context without promise hooks, and has no such switch to observe.
    if (Number(process.versions.node.split('.')[0]) < 24) assert.ok(sawOn, 'the store was on during the requests');
    assert.equal(providerStoreEnabled(), false, 'and off once none is in flight');
    const again = await client.clientCredentialsGrant(config, { scope: 'exchange' });
    assert.equal(decodeJwt(again.access_token).client_id, 'bank-ekyc', 'the next request switches it on again');
    assert.equal(providerStoreEnabled(), false);
  });

  test('a tampered client assertion, a replayed one and an unknown client are refused', async () => {
    const assertion = (jti: string, key = keys.privateKey) => new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: keys.kid })
      .setIssuer('bank-ekyc').setSubject('bank-ekyc').setAudience(issuer).setJti(jti).setIssuedAt().setExpirationTime('1m').sign(key);
    const token = (a: string, clientId = 'bank-ekyc') => fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'exchange', client_id: clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: a }) });
    const good = await assertion('jti-1');
    assert.equal((await token(good)).status, 200);
    const replay = await token(good);
    assert.equal(replay.status, 401);
    assert.equal((await replay.json() as { error: string }).error, 'invalid_client');
    const other = await clientKeys();
    const forged = await token(await assertion('jti-2', other.privateKey));
    assert.equal(forged.status, 401);
    assert.equal((await forged.json() as { error: string }).error, 'invalid_client');
    const [h, p, sig] = (await assertion('jti-3')).split('.');
    const tampered = await token(`${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'someone-else' })).toString('base64url')}.${sig}`);
    // The signature no longer matches the payload; the provider refuses before checking it, on the subject.
    assert.ok([400, 401].includes(tampered.status), String(tampered.status));
    assert.ok(['invalid_client', 'invalid_request'].includes((await tampered.json() as { error: string }).error));
    const unknown = await token(await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: keys.kid }).setIssuer('no-such-client').setSubject('no-such-client').setAudience(issuer).setJti('jti-4').setIssuedAt().setExpirationTime('1m').sign(keys.privateKey), 'no-such-client');
    assert.equal(unknown.status, 401);
    assert.equal((await unknown.json() as { error: string }).error, 'invalid_client');
  });

  test('concurrent requests with one assertion: exactly one token', async () => {
    const a = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: keys.kid }).setIssuer('bank-ekyc').setSubject('bank-ekyc').setAudience(issuer).setJti('jti-race').setIssuedAt().setExpirationTime('1m').sign(keys.privateKey);
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'bank-ekyc', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: a });
    const statuses = await Promise.all(Array.from({ length: 8 }, () => fetch(`${issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }).then((r) => r.status)));
    assert.equal(statuses.filter((x) => x === 200).length, 1, statuses.join(','));
  });

  test('keys rotate without downtime; a disabled client gets no token and its tokens stop verifying', async () => {
    const config = await rp(issuer, 'bank-ekyc', keys);
    const before = (await client.clientCredentialsGrant(config, { scope: 'exchange' })).access_token;
    const { keys: jose } = oidcServices(s.platform);
    const oldKid = decodeProtectedHeader(before).kid;
    const newKid = await jose.rotate();
    // The server picks the new key up on its next background refresh.
    let after = before;
    for (let i = 0; i < 50 && decodeProtectedHeader(after).kid !== newKid; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = (await client.clientCredentialsGrant(config, { scope: 'exchange' })).access_token;
    }
    assert.equal(decodeProtectedHeader(after).kid, newKid);
    const published = await (await fetch(`${issuer}/jwks`)).json() as { keys: Array<{ kid: string }> };
    assert.deepEqual(published.keys.map((k) => k.kid).sort(), [oldKid, newKid].sort());
    const verifier = oidcServices(s.platform).verifier;
    await new Promise((r) => setTimeout(r, 1100)); // the verifier reloads keys at most once a second
    assert.equal((await verifier.verify(before)).clientId, 'bank-ekyc');
    assert.equal((await verifier.verify(after)).clientId, 'bank-ekyc');

    const del = await fetch(`${s.baseUrl}/api/v1/admin/oidc-clients/bank-ekyc`, { method: 'DELETE', headers: { authorization: admin.authorization! } });
    assert.equal(del.status, 204);
    await assert.rejects(client.clientCredentialsGrant(config, { scope: 'exchange' }));
    await assert.rejects(verifier.verify(`${after.slice(0, -2)}xx`), AccessTokenRejected);
  });

  test('the admin API validates clients and is for admins only', async () => {
    const bad = await fetch(`${s.baseUrl}/api/v1/admin/oidc-clients`, { method: 'POST', headers: admin, body: JSON.stringify({ kind: 'relying_party', organisation: 'Bệnh viện', redirectUris: ['not a url'], jwks: keys.jwks, scopes: ['profile'] }) });
    assert.equal(bad.status, 400);
    const problem = await bad.json() as { code: string; detail: string };
    assert.equal(problem.code, 'OIDC_CLIENT_INVALID');
    const noKeys = await fetch(`${s.baseUrl}/api/v1/admin/oidc-clients`, { method: 'POST', headers: admin, body: JSON.stringify({ kind: 'partner_system', organisation: 'Nhà mạng', scopes: ['exchange'] }) });
    assert.equal(noKeys.status, 400);
    const again = await fetch(`${s.baseUrl}/api/v1/admin/oidc-clients`, { method: 'POST', headers: admin, body: JSON.stringify({ clientId: 'bank-ekyc', kind: 'partner_system', organisation: 'Kẻ mạo danh', jwks: keys.jwks, scopes: ['exchange'] }) });
    assert.equal(again.status, 409, 'an existing client is never silently replaced');
    for (const [method, path] of [['DELETE', ''], ['PUT', '/jwks']] as const) {
      const res = await fetch(`${s.baseUrl}/api/v1/admin/oidc-clients/open06-portal${path}`, { method, headers: method === 'PUT' ? admin : { authorization: admin.authorization! }, ...(method === 'PUT' ? { body: JSON.stringify(keys.jwks) } : {}) });
      assert.equal(res.status, 409, `${method} on the portal's own client`);
      assert.equal((await res.json() as { code: string }).code, 'OIDC_CLIENT_PROTECTED');
    }
    const anon = await fetch(`${s.baseUrl}/api/v1/admin/oidc-clients`);
    assert.equal(anon.status, 401);
  });
});
