import { sql, type Kysely } from 'kysely';

/**
 * platform.audit_append(entries jsonb): appends entries to the end of the audit hash chain in one
 * statement (one round trip per group commit). `entries` is a JSON array, oldest first, of
 * { body, at, actor_kind, actor_id, action, subject_kind, subject_id, fields, purpose, legal_basis,
 * request_id, details }, where `body` is the canonical JSON text of the entry without its seq,
 * computed by the caller (src/platform/audit/audit.hash.ts), and
 *   hash_n = sha256(hash_{n-1} ‖ UTF-8 of (seq_n || E'\n' || body_n)).
 *
 * The advisory lock (the same key as lockChain) serialises it with the chainer and every other
 * process. The head is read by a statement that starts after the lock is granted: in READ COMMITTED
 * each statement of a volatile function takes a fresh snapshot, so it sees the last writer's
 * commit. Under REPEATABLE READ / SERIALIZABLE the snapshot would predate the lock and the chain
 * could fork, so the function refuses to run there.
 * Returns the seq of the new head (or of the unchanged head when `entries` is empty).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function platform.audit_append(entries jsonb) returns bigint
    language plpgsql volatile as $fn$
    declare
      n int := coalesce(jsonb_array_length(entries), 0);
      head_seq bigint;
      head_hash bytea;
      prevs bytea[] := '{}';
      hashes bytea[] := '{}';
      h bytea;
      body text;
      i int;
    begin
      if current_setting('transaction_isolation') <> 'read committed' then
        raise exception 'platform.audit_append must run in READ COMMITTED (the chain head must be read after the chain lock is granted)';
      end if;
      perform pg_advisory_xact_lock(7460602);
      -- A separate statement, so a fresh snapshot taken after the lock was granted.
      select l.seq, l.hash into head_seq, head_hash from platform.audit_log l order by l.seq desc limit 1;
      head_seq := coalesce(head_seq, 0);
      if n = 0 then
        return head_seq;
      end if;
      h := coalesce(head_hash, decode(repeat('00', 32), 'hex'));
      for i in 0 .. n - 1 loop
        body := entries -> i ->> 'body';
        if body is null then
          raise exception 'platform.audit_append: entry % has no body', i;
        end if;
        prevs := prevs || h;
        h := sha256(h || convert_to((head_seq + i + 1)::text || E'\n' || body, 'UTF8'));
        hashes := hashes || h;
      end loop;
      insert into platform.audit_log (seq, at, actor_kind, actor_id, action, subject_kind, subject_id, fields, purpose, legal_basis, request_id, details, prev_hash, hash)
      select head_seq + x.ord,
             (x.e ->> 'at')::timestamptz,
             x.e ->> 'actor_kind',
             x.e ->> 'actor_id',
             x.e ->> 'action',
             x.e ->> 'subject_kind',
             x.e ->> 'subject_id',
             coalesce(array(select jsonb_array_elements_text(x.e -> 'fields')), '{}'),
             x.e ->> 'purpose',
             x.e ->> 'legal_basis',
             x.e ->> 'request_id',
             coalesce(x.e -> 'details', '{}'),
             prevs[x.ord],
             hashes[x.ord]
      from jsonb_array_elements(entries) with ordinality as x(e, ord);
      return head_seq + n;
    end
    $fn$;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists platform.audit_append(jsonb)`.execute(db);
}
