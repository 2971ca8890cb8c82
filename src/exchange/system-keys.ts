/**
 * The history of a system's public keys: each key (identified by its RFC 7638 thumbprint) with
 * when it was added and removed and by whom. A replacement of the keys is stored on the system's
 * OAuth client and recorded here in one transaction; keys kept keep their added_at.
 */
import { calculateJwkThumbprint, type JWK } from 'jose';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { ClientRow, ClientStore } from '../identity/oidc/clients.ts';

type Db = Kysely<any> | Transaction<any>;

/** Who changed the keys: an admin officer, or a member's staff (a citizen's account) in the partner console. */
export interface KeyActor { kind: 'officer' | 'citizen'; id: string }

export interface SystemKeyRow {
  id: number;
  system_id: string;
  kid: string;
  thumbprint: string;
  alg: string | null;
  added_at: Date;
  added_by: string | null;
  added_by_kind: KeyActor['kind'] | null;
  removed_at: Date | null;
  removed_by: string | null;
  removed_by_kind: KeyActor['kind'] | null;
}

export interface DescribedKey { kid: string; thumbprint: string; alg: string | null }

/** Each distinct key (by thumbprint) with its kid, or its thumbprint when it has no kid. */
export async function describeKeys(keys: readonly JWK[]): Promise<DescribedKey[]> {
  const out = new Map<string, DescribedKey>();
  for (const k of keys) {
    const thumbprint = await calculateJwkThumbprint(k, 'sha256');
    if (!out.has(thumbprint)) out.set(thumbprint, { kid: k.kid ?? thumbprint, thumbprint, alg: k.alg ?? null });
  }
  return [...out.values()];
}

export const systemKeyStore = {
  current(db: Db, systemId: string): Promise<SystemKeyRow[]> {
    return db.selectFrom('exchange.system_key').selectAll().where('system_id', '=', systemId).where('removed_at', 'is', null).orderBy('id').execute() as Promise<SystemKeyRow[]>;
  },
  /** Removed keys, the latest removal first. */
  removed(db: Db, systemId: string, limit: number): Promise<SystemKeyRow[]> {
    return db.selectFrom('exchange.system_key').selectAll().where('system_id', '=', systemId).where('removed_at', 'is not', null)
      .orderBy('removed_at', 'desc').orderBy('id', 'desc').limit(limit).execute() as Promise<SystemKeyRow[]>;
  },
  async add(db: Db, systemId: string, keys: readonly DescribedKey[], by: KeyActor, at: Date): Promise<void> {
    if (!keys.length) return;
    await db.insertInto('exchange.system_key').values(keys.map((k) => ({ system_id: systemId, kid: k.kid, thumbprint: k.thumbprint, alg: k.alg, added_at: at, added_by: by.id, added_by_kind: by.kind }))).execute();
  },
  async remove(db: Db, ids: readonly number[], by: KeyActor, at: Date): Promise<void> {
    if (!ids.length) return;
    await db.updateTable('exchange.system_key').set({ removed_at: at, removed_by: by.id, removed_by_kind: by.kind }).where('id', 'in', ids as number[]).execute();
  },
};

/**
 * Replaces a system's public keys on its OAuth client and records the change in one transaction:
 * keys not current before are added, current keys no longer listed removed, kept keys untouched.
 * Rotations of one system take turns (the system's row is locked). Null when the client is gone.
 */
export async function replaceSystemKeys(db: Kysely<any>, clients: Pick<ClientStore, 'setJwks' | 'forget'>, s: { id: string; client_id: string }, jwks: { keys: JWK[] }, by: KeyActor, at: Date): Promise<{ client: ClientRow; added: string[]; removed: string[] } | null> {
  const next = await describeKeys(jwks.keys);
  const done = await db.transaction().execute(async (trx) => {
    await sql`select 1 from exchange.system where id = ${s.id} for update`.execute(trx);
    const client = await clients.setJwks(s.client_id, jwks, trx);
    if (!client) return null;
    const current = await systemKeyStore.current(trx, s.id);
    const kept = new Set(current.map((k) => k.thumbprint));
    const listed = new Set(next.map((k) => k.thumbprint));
    const added = next.filter((k) => !kept.has(k.thumbprint));
    const removed = current.filter((k) => !listed.has(k.thumbprint));
    await systemKeyStore.add(trx, s.id, added, by, at);
    await systemKeyStore.remove(trx, removed.map((k) => Number(k.id)), by, at);
    return { client, added: added.map((k) => k.kid), removed: removed.map((k) => k.kid) };
  });
  // A token request between setJwks and the commit may have cached the old keys.
  clients.forget(s.client_id);
  return done;
}
