import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase } from '../harness/db.ts';
import { connect, ping } from '../../src/platform/db/database.ts';

test('a connection dropped between two statements of a transaction fails that transaction, not the process; the pool goes on', async () => {
  const t = await createTestDatabase();
  await t.close();
  const d = connect(t.url, 4);
  const other = connect(t.url, 1);
  try {
    await assert.rejects(d.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(other.db);
      // The server closes the connection while no statement runs on it: the client's 'error' event.
      await new Promise((r) => setTimeout(r, 300));
      await sql`select 1`.execute(trx);
    }));
    for (let i = 0; i < 8; i++) await ping(d.db);
  } finally {
    await other.close();
    await d.close();
  }
});
