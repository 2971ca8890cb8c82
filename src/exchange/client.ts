/**
 * A minimal partner-side client of the exchange (used by `open06 verify-batch` and the
 * benchmarks; also a worked example for integrators): an access token from the platform's token
 * endpoint with a private_key_jwt client assertion, a streamed upload, progress polling, and a
 * streamed download of the result.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SignJWT, importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';

export interface ClientKey { key: CryptoKey | Uint8Array; kid: string | undefined; alg: string }

/** A private key from a file: a private JWK (JSON, with kid and alg) or a PKCS#8 PEM (ES256 unless `alg`). */
export async function loadPrivateKey(file: string, opts: { kid?: string; alg?: string } = {}): Promise<ClientKey> {
  const text = fs.readFileSync(file, 'utf8').trim();
  if (text.startsWith('{')) {
    const jwk = JSON.parse(text) as JWK;
    if (!jwk.d) throw new Error(`${file}: not a private key (no "d")`);
    const alg = opts.alg ?? jwk.alg ?? (jwk.kty === 'EC' ? 'ES256' : jwk.kty === 'OKP' ? 'EdDSA' : 'PS256');
    return { key: await importJWK(jwk, alg), kid: opts.kid ?? jwk.kid, alg };
  }
  const alg = opts.alg ?? 'ES256';
  return { key: await importPKCS8(text, alg), kid: opts.kid, alg };
}

export class ExchangeClient {
  private token: { value: string; until: number } | null = null;

  constructor(readonly server: string, readonly clientId: string, private readonly key: ClientKey | null, private readonly fixedToken: string | null = null) {}

  /** A valid access token (a new one a minute before the current one expires). */
  async accessToken(): Promise<string> {
    if (this.fixedToken) return this.fixedToken;
    if (this.token && Date.now() < this.token.until) return this.token.value;
    if (!this.key) throw new Error('no key and no token');
    const issuer = `${this.server}/oidc`;
    const header: { alg: string; kid?: string } = { alg: this.key.alg };
    if (this.key.kid) header.kid = this.key.kid;
    const assertion = await new SignJWT({}).setProtectedHeader(header).setIssuer(this.clientId).setSubject(this.clientId)
      .setAudience(issuer).setJti(randomUUID()).setIssuedAt().setExpirationTime('2m').sign(this.key.key);
    const res = await fetch(`${issuer}/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'exchange', client_id: this.clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }),
    });
    const body = await res.json() as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
    if (!res.ok || !body.access_token) throw new Error(`token endpoint: ${res.status} ${body.error ?? ''} ${body.error_description ?? ''}`.trim());
    this.token = { value: body.access_token, until: Date.now() + Math.max(30, (body.expires_in ?? 600) - 60) * 1000 };
    return body.access_token;
  }

  async request(method: string, path: string, init: { body?: BodyInit; headers?: Record<string, string>; json?: unknown } = {}): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.accessToken()}`, ...init.headers };
    let body = init.body;
    if (init.json !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(init.json); }
    return fetch(`${this.server}${path}`, { method, headers, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
  }

  /** Uploads a file as it is read (never whole in memory); returns the job. */
  async upload(file: string, q: { purpose: string; format: 'csv' | 'jsonl'; nameMatching?: string; idempotencyKey?: string }, onBytes?: (n: number) => void): Promise<any> {
    let sent = 0;
    const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    stream.on('data', (c) => { sent += c.length; onBytes?.(sent); });
    const params = new URLSearchParams({ purpose: q.purpose, ...(q.nameMatching ? { nameMatching: q.nameMatching } : {}) });
    const res = await this.request('POST', `/api/v1/exchange/bulk-jobs?${params}`, {
      body: Readable.toWeb(stream) as unknown as ReadableStream,
      headers: { 'content-type': q.format === 'csv' ? 'text/csv' : 'application/x-ndjson', ...(q.idempotencyKey ? { 'idempotency-key': q.idempotencyKey } : {}) },
    });
    const body = await res.json() as any;
    if (res.status !== 202 && res.status !== 200) throw new ProblemError(res.status, body);
    return body;
  }

  async job(id: string): Promise<any> {
    const res = await this.request('GET', `/api/v1/exchange/bulk-jobs/${id}`);
    const body = await res.json() as any;
    if (!res.ok) throw new ProblemError(res.status, body);
    return body;
  }

  /** Streams the result file to `out`; returns its size in bytes. */
  async download(id: string, out: string): Promise<number> {
    const res = await this.request('GET', `/api/v1/exchange/bulk-jobs/${id}/result`);
    if (!res.ok || !res.body) throw new ProblemError(res.status, await res.json().catch(() => null));
    await pipeline(Readable.fromWeb(res.body as never), fs.createWriteStream(out));
    return fs.statSync(out).size;
  }
}

export class ProblemError extends Error {
  constructor(readonly status: number, readonly problem: any) {
    super(`${status} ${problem?.code ?? ''}: ${problem?.messages?.en ?? problem?.detail ?? JSON.stringify(problem)}`);
  }
}
