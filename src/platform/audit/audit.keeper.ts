/**
 * The keeper (`open06 audit keeper`): the receiving end of the receipts the platform pushes to
 * AUDIT_RECEIPT_PUSH_URLS. Each `POST` (any path) of `{"receipt": "<compact JWS>"}` is checked
 * against a JWKS the keeper was given once — never one fetched from the platform it watches, which
 * could then sign a rewritten chain with a key of its choosing — and kept as DIR/<seq>.jws like the
 * witness keeps it. Pushes are retried, so the same receipt twice and an older entry after a newer
 * one are normal; a kept entry arriving with another hash means the chain was rewritten.
 */
import http from 'node:http';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import { AppError } from '../http/errors.ts';
import { problemFor } from '../http/problem.ts';
import { errorsPage } from '../http/errors.page.ts';
import { pickLang, type Localised } from '../i18n/lang.ts';
import { readReceipt, jwksKeyLookup } from './audit.receipt.ts';
import { keepReceipt, refusalReason, rewrittenMessages, type KeptClaims } from './audit.kept.ts';
import './audit.errors.ts';

export const KEEPER_BODY_MAX = 16 * 1024;

export type KeeperEvent =
  | { kind: 'stored' | 'unchanged'; claims: KeptClaims; file: string }
  /** The chain was rewritten: the loudest thing a keeper can say. */
  | { kind: 'rewritten'; claims: KeptClaims; file: string; kept: string; messages: Localised }
  | { kind: 'refused'; status: number; messages: Localised }
  | { kind: 'failed'; error: unknown };

export interface KeeperOptions {
  dir: string;
  /** The platform's public JWKS, kept by the keeper. */
  jwks: { keys?: unknown };
  host: string;
  /** 0: any free port (see `url`). */
  port: number;
  /** When set, every POST must carry `?token=<token>`. */
  token?: string;
  onEvent?: (e: KeeperEvent) => void;
}

export interface Keeper {
  /** Where it listens, e.g. http://127.0.0.1:8070/ */
  url: string;
  close(): Promise<void>;
}

/** How a request was answered: a status and a JSON body, or a problem. */
type Answer = { status: number; body: unknown } | AppError;

const shapeError = (code: string, message: Localised): AppError => new AppError('VALIDATION_FAILED', {}, [{ field: 'receipt', code, message }]);

/** Compares digests, so neither the comparison nor an early length mismatch tells how much was right. */
function sameToken(given: string | null, token: string): boolean {
  if (given === null) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** The body, or null once it is longer than KEEPER_BODY_MAX (the rest is read and dropped). */
function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > KEEPER_BODY_MAX) {
      req.resume();
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size <= KEEPER_BODY_MAX) chunks.push(c);
      else {
        req.off('data', onData);
        req.resume();
        resolve(null);
      }
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** An absolute-form target (`POST http://host/…`) may not parse: such a request has no token. */
function requestUrl(req: http.IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'http://keeper');
  } catch {
    return new URL('http://keeper/');
  }
}

function receiptOf(body: Buffer): string {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('MALFORMED_JSON');
  }
  const receipt = v && typeof v === 'object' && !Array.isArray(v) ? (v as { receipt?: unknown }).receipt : undefined;
  if (receipt === undefined) throw shapeError('required', { vi: 'Bắt buộc phải có.', en: 'Is required.' });
  if (typeof receipt !== 'string') throw shapeError('type', { vi: 'Phải là kiểu string.', en: 'Must be of type string.' });
  const jws = receipt.trim();
  // The file keeps exactly this text: it must be the compact JWS itself, not a document holding it.
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(jws)) {
    throw shapeError('pattern', { vi: 'Phải là một JWS dạng rút gọn (ba phần base64url cách nhau bởi dấu chấm).', en: 'Must be a compact JWS (three base64url parts separated by dots).' });
  }
  return jws;
}

export async function startKeeper(opts: KeeperOptions): Promise<Keeper> {
  fs.mkdirSync(opts.dir, { recursive: true });
  const lookup = jwksKeyLookup(opts.jwks);
  const report = (e: KeeperEvent) => {
    try {
      opts.onEvent?.(e);
    } catch { /* a listener's fault is not the request's */ }
  };

  async function answer(req: http.IncomingMessage, url: URL): Promise<Answer> {
    if (req.method !== 'POST') return new AppError('METHOD_NOT_ALLOWED', {}, [], { allow: 'POST' });
    if (opts.token !== undefined && !sameToken(url.searchParams.get('token'), opts.token)) return new AppError('AUDIT_KEEPER_TOKEN');
    const type = req.headers['content-type'] ?? '';
    if (type.split(';')[0]!.trim().toLowerCase() !== 'application/json') return new AppError('UNSUPPORTED_MEDIA_TYPE', { type });
    const body = await readBody(req);
    if (!body) return new AppError('PAYLOAD_TOO_LARGE');
    const jws = receiptOf(body);

    let claims: KeptClaims;
    try {
      claims = await readReceipt(jws, lookup);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      const reason: Localised = { vi: e.message_('vi'), en: e.message_('en') };
      return new AppError('AUDIT_KEEPER_REFUSED', { reason }, e.errors);
    }
    const kept = keepReceipt(opts.dir, claims, jws);
    if (kept.kind === 'rewritten') {
      report({ ...kept, claims, messages: rewrittenMessages(claims, kept.kept, kept.file) });
      return new AppError('AUDIT_KEEPER_REWRITTEN', { seq: claims.seq, hash: claims.hash, kept: kept.kept });
    }
    report({ kind: kept.kind, claims, file: kept.file });
    return { status: kept.kind === 'stored' ? 201 : 200, body: { seq: claims.seq, hash: claims.hash, kept: kept.kind } };
  }

  const server = http.createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    const id = randomUUID();
    const url = requestUrl(req);
    const send = (a: Answer) => {
      if (res.headersSent) return;
      if (!(a instanceof AppError)) {
        res.writeHead(a.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(a.body));
        return;
      }
      const lang = pickLang(req.headers['accept-language']);
      // The problem's `type` is this keeper's own /docs/errors page, not a platform's.
      // `instance` without the query: the token is not sent back.
      const problem = problemFor(a, { url: url.pathname, id }, lang, '');
      res.writeHead(a.status, { ...a.headers, 'content-type': 'application/problem+json; charset=utf-8', 'content-language': lang }).end(JSON.stringify(problem));
    };
    req.on('error', () => res.destroy());
    if (req.method === 'GET' && url.pathname === '/docs/errors') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(errorsPage());
      return;
    }
    const failed = (e: unknown): Answer => {
      if (e instanceof AppError) return e;
      report({ kind: 'failed', error: e });
      return new AppError('INTERNAL', { requestId: id });
    };
    answer(req, url).catch(failed).then((a) => {
      if (a instanceof AppError && a.status < 500 && a.code !== 'AUDIT_KEEPER_REWRITTEN') report({ kind: 'refused', status: a.status, messages: refusalReason(a) });
      send(a);
    }).catch(() => res.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}/`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
