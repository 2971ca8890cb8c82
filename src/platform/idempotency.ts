import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { AppError } from './http/errors.ts';

export function requestHash(body: unknown): Buffer {
  return createHash('sha256').update(JSON.stringify(body ?? null)).digest();
}

export function checkKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(key)) throw new AppError('IDEMPOTENCY_KEY_INVALID', {}, [{ field: 'Idempotency-Key', code: 'pattern', message: { vi: 'Không đúng định dạng.', en: 'Has the wrong format.' } }]);
  return key;
}

/**
 * Claims an idempotency key inside the caller's transaction. If the key was used before with the
 * same request, returns the stored response (the caller returns it without doing the work again);
 * a concurrent duplicate waits on the key's row until the first commits. A different request under
 * the same key is refused.
 */
export async function claimKey<T>(trx: Transaction<any>, scope: string, key: string, hash: Buffer): Promise<{ replay: T; status: number } | null> {
  const inserted = await sql`insert into platform.idempotency_key (scope, key, request_hash, status, response) values (${scope}, ${key}, ${hash}, 0, 'null') on conflict do nothing returning key`.execute(trx);
  if (inserted.rows.length) return null;
  return storedResponse<T>(trx, scope, key, hash);
}

export async function storeResponse(trx: Transaction<any>, scope: string, key: string, status: number, response: unknown): Promise<void> {
  await sql`update platform.idempotency_key set status = ${status}, response = ${JSON.stringify(response)} where scope = ${scope} and key = ${key}`.execute(trx);
}

/** The committed response under a key, outside any transaction (an event written by one statement checks first). */
export async function storedResponse<T>(db: Kysely<any>, scope: string, key: string, hash: Buffer): Promise<{ replay: T; status: number } | null> {
  const { rows } = await sql<{ request_hash: Buffer; status: number; response: T }>`select request_hash, status, response from platform.idempotency_key where scope = ${scope} and key = ${key}`.execute(db);
  const row = rows[0];
  if (!row) return null;
  if (!row.request_hash.equals(hash)) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  return { replay: row.response, status: row.status };
}

/** Stores a response under a key unless one is there already (a request that changed nothing). */
export async function storeResponseOnce(db: Kysely<any>, scope: string, key: string, hash: Buffer, status: number, response: unknown): Promise<void> {
  await sql`insert into platform.idempotency_key (scope, key, request_hash, status, response) values (${scope}, ${key}, ${hash}, ${status}, ${JSON.stringify(response)}) on conflict do nothing`.execute(db);
}
