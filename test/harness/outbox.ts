import { sql, type Kysely } from 'kysely';

/**
 * Waits until every outbox row written so far is deliverable. Consumers read only rows of
 * transactions older than the oldest one still open anywhere on the server (xids are cluster-wide),
 * so other test files' open transactions can delay delivery by a moment.
 */
export async function outboxSettled(db: Kysely<any>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql<{ waiting: number }>`select count(*)::int as waiting from platform.outbox where xid >= pg_snapshot_xmin(pg_current_snapshot())`.execute(db);
    if (rows[0]!.waiting === 0) return;
    if (Date.now() > until) throw new Error(`${rows[0]!.waiting} outbox rows still not deliverable after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
