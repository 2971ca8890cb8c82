import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create schema if not exists identity;

    -- oidc-provider's models (sessions, interactions, codes, tokens, grants, replay guards), one
    -- row each; expired rows are ignored on read and purged by a job.
    create table identity.oidc_payloads (
      model text not null,
      id text not null,
      payload jsonb not null,
      grant_id text,
      uid text,
      account_id text,
      expires_at timestamptz,
      consumed_at timestamptz,
      primary key (model, id)
    );
    create index oidc_payloads_grant on identity.oidc_payloads (grant_id) where grant_id is not null;
    create index oidc_payloads_uid on identity.oidc_payloads (uid) where uid is not null;
    create index oidc_payloads_account on identity.oidc_payloads (account_id, model) where account_id is not null;
    create index oidc_payloads_expiry on identity.oidc_payloads (expires_at);

    -- Registered clients: relying parties that sign citizens in, and partner systems of the
    -- data exchange that use client credentials. metadata is the OAuth/OIDC client metadata.
    create table identity.oidc_clients (
      client_id text primary key,
      kind text not null check (kind in ('relying_party', 'partner_system', 'first_party')),
      organisation text not null,
      metadata jsonb not null,
      min_level smallint not null default 1 check (min_level in (1, 2)),
      sector text not null,
      purpose_vi text,
      purpose_en text,
      created_by text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      disabled_at timestamptz
    );

    -- Provider secrets made on first start: cookie signing keys and the pairwise-subject salt.
    create table identity.oidc_secrets (
      name text primary key,
      value text not null,
      created_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table identity.oidc_secrets; drop table identity.oidc_clients; drop table identity.oidc_payloads;`.execute(db);
}
