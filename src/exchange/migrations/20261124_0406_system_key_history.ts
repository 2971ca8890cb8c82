import { sql, type Kysely } from 'kysely';
import { describeKeys } from '../system-keys.ts';

/**
 * The history of each system's public keys: when a key (by its RFC 7638 thumbprint) was added and
 * removed, and by whom (an admin officer, or a member's staff through the partner console).
 * A key added again after its removal gets a new row; at most one current row per thumbprint.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table exchange.system_key (
      id bigint generated always as identity primary key,
      system_id text not null references exchange.system (id),
      -- The key's kid, or its thumbprint when it has none.
      kid text not null,
      thumbprint text not null,
      alg text,
      added_at timestamptz not null,
      added_by text,
      added_by_kind text check (added_by_kind in ('officer', 'citizen')),
      removed_at timestamptz,
      removed_by text,
      removed_by_kind text check (removed_by_kind in ('officer', 'citizen'))
    );
    create unique index system_key_current on exchange.system_key (system_id, thumbprint) where removed_at is null;
    create index system_key_removed on exchange.system_key (system_id, removed_at desc) where removed_at is not null;
  `.execute(db);
  // Systems registered before this table: their current keys, added when their client was last
  // updated (the best time known: registration or the last rotation), by no one known.
  const { rows } = await sql<{ id: string; metadata: { jwks?: { keys?: unknown[] } }; updated_at: Date }>`
    select s.id, c.metadata, c.updated_at from exchange.system s join identity.oidc_clients c on c.client_id = s.client_id`.execute(db);
  for (const r of rows) {
    const keys = await describeKeys((r.metadata.jwks?.keys ?? []) as never);
    if (!keys.length) continue;
    await db.insertInto('exchange.system_key').values(keys.map((k) => ({ system_id: r.id, kid: k.kid, thumbprint: k.thumbprint, alg: k.alg, added_at: r.updated_at }))).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table exchange.system_key`.execute(db);
}
