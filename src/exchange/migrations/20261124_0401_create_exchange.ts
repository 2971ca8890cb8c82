import { sql, type Kysely } from 'kysely';

/**
 * The data-exchange gateway (issue 6): member organisations and their systems (OAuth clients of
 * the platform's OpenID provider), grants of catalogue services, citizens' consents, usage
 * counters, durable bulk verification jobs, event subscriptions and their deliveries.
 * Person-owned rows (consents, watch lists, the bulk per-person index, deliveries) carry the
 * personal ID number so they can be distributed on it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create schema if not exists exchange;

    create table exchange.member (
      id text primary key,
      name text not null,
      kind text not null check (kind in ('ministry', 'provincial_agency', 'bank', 'telecom', 'hospital', 'school', 'union', 'insurer', 'other')),
      code text unique,
      province_code text,
      contact text,
      status text not null default 'active' check (status in ('active', 'suspended')),
      created_by text not null,
      created_at timestamptz not null default now()
    );

    create table exchange.system (
      id text primary key,
      member_id text not null references exchange.member (id),
      name text not null,
      client_id text not null unique,
      status text not null default 'active' check (status in ('active', 'disabled')),
      rate_per_second int not null check (rate_per_second > 0),
      created_by text not null,
      created_at timestamptz not null default now(),
      disabled_at timestamptz
    );
    create index system_member on exchange.system (member_id);

    -- What an admin allowed a system: one service, its fields and purposes, on one legal basis, for a period.
    create table exchange.grant (
      id bigserial primary key,
      system_id text not null references exchange.system (id),
      service text not null,
      fields text[] not null,
      purposes text[] not null check (cardinality(purposes) > 0),
      basis text not null check (basis in ('provision', 'consent')),
      provision text,
      valid_from date not null,
      valid_until date not null,
      quota_per_day bigint check (quota_per_day > 0),
      created_by text not null,
      created_at timestamptz not null default now(),
      revoked_at timestamptz,
      revoked_by text,
      check ((basis = 'provision') = (provision is not null)),
      check (valid_until >= valid_from)
    );
    create index grant_system on exchange.grant (system_id);

    -- A citizen's consent (Decree 13/2023): an organisation, a purpose, named fields, until a date.
    create table exchange.consent (
      id uuid primary key default gen_random_uuid(),
      id_number text not null,
      member_id text not null references exchange.member (id),
      purpose text not null,
      fields text[] not null check (cardinality(fields) > 0),
      granted_at timestamptz not null,
      valid_until date not null,
      method text not null check (method in ('portal', 'partner_request')),
      request_id uuid,
      account_id text,
      withdrawn_at timestamptz,
      receipt jsonb not null
    );
    create index consent_person on exchange.consent (id_number, member_id);

    create table exchange.consent_request (
      id uuid primary key default gen_random_uuid(),
      id_number text not null,
      member_id text not null references exchange.member (id),
      system_id text not null references exchange.system (id),
      purpose text not null,
      fields text[] not null,
      valid_until date not null,
      message text,
      status text not null default 'pending' check (status in ('pending', 'approved', 'declined')),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      decided_at timestamptz,
      consent_id uuid
    );
    create index consent_request_person on exchange.consent_request (id_number, created_at);

    -- Calls, people touched and refusals per system, service and hour (flushed from memory).
    create table exchange.usage (
      system_id text not null,
      service text not null,
      hour timestamptz not null,
      calls bigint not null default 0,
      people bigint not null default 0,
      refused bigint not null default 0,
      primary key (system_id, service, hour)
    );
    create index usage_hour on exchange.usage (hour);

    -- Bulk verification jobs: the upload (1 MiB chunks), a checkpoint per batch, a lease per runner.
    create table exchange.job (
      id uuid primary key default gen_random_uuid(),
      no bigserial unique,
      system_id text not null references exchange.system (id),
      member_id text not null,
      grant_id bigint not null,
      purpose text not null,
      legal_basis text not null,
      basis text not null,
      fields text[] not null,
      format text not null check (format in ('csv', 'jsonl')),
      name_matching text not null,
      status text not null check (status in ('uploading', 'queued', 'running', 'completed', 'failed', 'cancelled')),
      idempotency_key text,
      input_bytes bigint not null default 0,
      input_chunks int not null default 0,
      rows_estimated bigint,
      columns text[],
      delimiter text,
      offset_bytes bigint not null default 0,
      lines_done bigint not null default 0,
      rows_done bigint not null default 0,
      rows_match bigint not null default 0,
      rows_mismatch bigint not null default 0,
      rows_not_found bigint not null default 0,
      rows_malformed bigint not null default 0,
      rows_refused bigint not null default 0,
      result_chunks int not null default 0,
      result_bytes bigint not null default 0,
      rate real,
      lease_owner text,
      lease_until timestamptz,
      attempts int not null default 0,
      cancel_requested boolean not null default false,
      error text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      updated_at timestamptz not null default now(),
      unique (system_id, idempotency_key)
    );
    create index job_system on exchange.job (system_id, created_at);
    create index job_runnable on exchange.job (created_at) where status in ('queued', 'running');

    create table exchange.job_input (
      job_id uuid not null references exchange.job (id) on delete cascade,
      seq int not null,
      data bytea not null,
      primary key (job_id, seq)
    );
    create table exchange.job_result (
      job_id uuid not null references exchange.job (id) on delete cascade,
      seq int not null,
      data bytea not null,
      primary key (job_id, seq)
    );
    -- CSV compresses poorly enough that compressing it costs more CPU than it saves.
    alter table exchange.job_input alter column data set storage external;
    alter table exchange.job_result alter column data set storage external;

    -- Every person a bulk job read: the personal ID number (12 digits, as a number) and the job's no.
    -- Written with COPY in each batch's checkpoint transaction; the job's own audit entry is chained.
    create table exchange.job_person (
      person bigint not null,
      job bigint not null
    );
    create index job_person_person on exchange.job_person (person);

    -- Event subscriptions: topics, a receiver URL, and the people the system follows (its lawful relationship).
    create table exchange.subscription (
      id uuid primary key default gen_random_uuid(),
      system_id text not null references exchange.system (id),
      grant_id bigint not null,
      purpose text not null,
      topics text[] not null check (cardinality(topics) > 0),
      url text not null,
      status text not null default 'active' check (status in ('active', 'cancelled')),
      created_at timestamptz not null default now(),
      cancelled_at timestamptz
    );
    create index subscription_system on exchange.subscription (system_id);

    create table exchange.watch (
      id_number text not null,
      subscription_id uuid not null references exchange.subscription (id),
      since timestamptz not null,
      legal_basis text not null,
      primary key (id_number, subscription_id)
    );
    create index watch_subscription on exchange.watch (subscription_id);

    create table exchange.delivery (
      id uuid primary key default gen_random_uuid(),
      subscription_id uuid not null references exchange.subscription (id),
      system_id text not null,
      outbox_id bigint not null,
      topic text not null,
      id_number text not null,
      occurred_at timestamptz not null,
      status text not null default 'pending' check (status in ('pending', 'sending', 'delivered', 'failed')),
      attempts int not null default 0,
      next_attempt_at timestamptz not null default now(),
      lease_until timestamptz,
      last_status int,
      last_error text,
      created_at timestamptz not null default now(),
      delivered_at timestamptz,
      unique (subscription_id, outbox_id, id_number)
    );
    create index delivery_due on exchange.delivery (next_attempt_at) where status in ('pending', 'sending');
    create index delivery_system on exchange.delivery (system_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema exchange cascade`.execute(db);
}
