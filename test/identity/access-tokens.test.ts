import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, importJWK, generateKeyPair } from 'jose';
import { testPlatform } from '../harness/platform.ts';
import type { Platform } from '../../src/platform/platform.ts';
import { JoseKeys } from '../../src/platform/keys/jose-keys.ts';
import { AccessTokenVerifier, AccessTokenRejected } from '../../src/identity/oidc/access-tokens.ts';

const ISS = 'http://127.0.0.1:1/oidc';
const AUD = 'urn:open06:exchange';

describe('access tokens are verified where the resource is served', () => {
  let p: Platform;
  let keys: JoseKeys;
  let sign: (claims: Record<string, unknown>, header?: Record<string, unknown>) => Promise<string>;
  before(async () => {
    p = await testPlatform();
    keys = new JoseKeys(p.db, null);
    const [priv] = await keys.privateJwks();
    const key = await importJWK(priv!, 'ES256');
    const nowS = () => Math.floor(Date.now() / 1000);
    sign = (claims, header = {}) => new SignJWT({ iss: ISS, aud: AUD, client_id: 'sys-1', scope: 'exchange', iat: nowS(), exp: nowS() + 600, jti: `j-${Math.random()}`, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: priv!.kid, typ: 'at+jwt', ...header }).sign(key);
  });
  after(async () => { await p.close(); });

  test('a valid token gives the client and scopes; it is remembered until it expires', async () => {
    const v = new AccessTokenVerifier(keys, ISS, AUD);
    const token = await sign({});
    assert.deepEqual({ ...(await v.verify(token)), jti: null, expiresAt: 0 }, { clientId: 'sys-1', scope: ['exchange'], jti: null, expiresAt: 0 });
    let now = Date.now();
    const later = new AccessTokenVerifier(keys, ISS, AUD, () => now);
    await later.verify(token);
    now += 11 * 60_000;
    await assert.rejects(later.verify(token), (e: Error) => e instanceof AccessTokenRejected && /expired/.test(e.message));
  });

  test('each wrong part is refused: issuer, audience, type, algorithm, signature, key, client', async () => {
    const v = new AccessTokenVerifier(keys, ISS, AUD);
    const refused = async (token: string, why: RegExp) => assert.rejects(v.verify(token), (e: Error) => e instanceof AccessTokenRejected && why.test(e.message));
    await refused(await sign({ iss: 'https://other/oidc' }), /issuer/);
    await refused(await sign({ aud: 'urn:other' }), /audience/);
    await refused(await sign({}, { typ: 'JWT' }), /access token/);
    await refused(await sign({ client_id: undefined }), /client_id/);
    const good = await sign({});
    const [h, b] = good.split('.');
    await refused(`${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(b!, 'base64url').toString()), client_id: 'sys-2' })).toString('base64url')}.${good.split('.')[2]}`, /signature/);
    const other = await generateKeyPair('ES256');
    await refused(await new SignJWT({ client_id: 'sys-1' }).setProtectedHeader({ alg: 'ES256', kid: 'not-ours', typ: 'at+jwt' }).setIssuer(ISS).setAudience(AUD).setExpirationTime('1m').sign(other.privateKey), /unknown signing key/);
    await refused(`${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${b}.`, /algorithm/);
    await refused('not-a-token', /malformed/);
  });

  test('after a rotation, tokens of the new key verify without a restart', async () => {
    let tick = 0;
    const v = new AccessTokenVerifier(keys, ISS, AUD, () => Date.now() + 2000 * tick++);
    await v.verify(await sign({}));
    await keys.rotate();
    const [newest] = await keys.privateJwks();
    const token = await new SignJWT({ client_id: 'sys-1' }).setProtectedHeader({ alg: 'ES256', kid: newest!.kid, typ: 'at+jwt' }).setIssuer(ISS).setAudience(AUD).setExpirationTime('1m').sign(await importJWK(newest!, 'ES256'));
    assert.equal((await v.verify(token)).clientId, 'sys-1');
  });
});
