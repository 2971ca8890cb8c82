import { sql, type Kysely } from 'kysely';
import { up as upPrevious } from './20261124_0003_create_audit_append.ts';

/**
 * platform.audit_append(entries jsonb) also takes an entry as its body alone: a JSON string holding
 * the canonical JSON text that is hashed (src/platform/audit/audit.hash.ts, `entryBody`):
 *   [at, actor_kind, actor_id, action, subject_kind, subject_id, fields, purpose, legal_basis, request_id, details]
 * The columns are read from that array, so the platform serialises each entry once instead of
 * twice (its body, then its columns again). The object form of 0003 ({ body, at, actor_kind, … })
 * is still accepted, for a process of the previous version during a rolling upgrade.
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
      e jsonb;
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
        e := entries -> i;
        body := case when jsonb_typeof(e) = 'string' then e #>> '{}' else e ->> 'body' end;
        if body is null then
          raise exception 'platform.audit_append: entry % has no body', i;
        end if;
        prevs := prevs || h;
        h := sha256(h || convert_to((head_seq + i + 1)::text || E'\n' || body, 'UTF8'));
        hashes := hashes || h;
      end loop;
      insert into platform.audit_log (seq, at, actor_kind, actor_id, action, subject_kind, subject_id, fields, purpose, legal_basis, request_id, details, prev_hash, hash)
      select head_seq + x.ord,
             (coalesce(b.v ->> 0, x.e ->> 'at'))::timestamptz,
             coalesce(b.v ->> 1, x.e ->> 'actor_kind'),
             coalesce(b.v ->> 2, x.e ->> 'actor_id'),
             coalesce(b.v ->> 3, x.e ->> 'action'),
             case when b.v is null then x.e ->> 'subject_kind' else b.v ->> 4 end,
             case when b.v is null then x.e ->> 'subject_id' else b.v ->> 5 end,
             coalesce(array(select jsonb_array_elements_text(coalesce(b.v -> 6, x.e -> 'fields'))), '{}'),
             case when b.v is null then x.e ->> 'purpose' else b.v ->> 7 end,
             case when b.v is null then x.e ->> 'legal_basis' else b.v ->> 8 end,
             case when b.v is null then x.e ->> 'request_id' else b.v ->> 9 end,
             coalesce(case when b.v is null then x.e -> 'details' else b.v -> 10 end, '{}'),
             prevs[x.ord],
             hashes[x.ord]
      from jsonb_array_elements(entries) with ordinality as x(e, ord)
      -- offset 0: parse each body once; without it the subquery is pulled up and parsed at every use.
      cross join lateral (select case when jsonb_typeof(x.e) = 'string' then (x.e #>> '{}')::jsonb end as v offset 0) b;
      return head_seq + n;
    end
    $fn$;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await upPrevious(db);
}
