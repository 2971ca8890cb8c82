import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create schema if not exists cards;

    -- Signing keys of the card PKI (ICAO 9303 Part 12): Country Signing CAs and the Document Signers
    -- they issue. A key signs only inside its private key usage period; a new one is made when the
    -- current one's period ends (rotation). Certificates stay for verifying the cards they signed.
    create table cards.signing_key (
      id bigserial primary key,
      kind text not null check (kind in ('csca', 'document_signer')),
      issuer_key_id bigint references cards.signing_key (id),
      certificate_der bytea not null,
      -- PKCS#8 DER, encrypted (AES-256-GCM) when the module is given a key-encryption key; null for a
      -- certificate kept only to verify (a previous or foreign CSCA).
      private_key bytea,
      private_key_protection text not null default 'none' check (private_key_protection in ('none', 'aes-256-gcm')),
      subject text not null,
      serial_hex text not null,
      not_before timestamptz not null,
      not_after timestamptz not null,
      usage_not_before timestamptz not null,
      usage_not_after timestamptz not null,
      created_at timestamptz not null default now(),
      check ((kind = 'csca') = (issuer_key_id is null))
    );
    create index signing_key_usage on cards.signing_key (kind, usage_not_after);

    -- One row per card a person was issued, numbered 1, 2, … per person; keyed by the ID number so
    -- the table can be distributed on it. At most one valid card per person.
    create table cards.card (
      id_number text not null check (id_number ~ '^\\d{12}$'),
      card_no int not null check (card_no >= 1),
      issue_kind text not null check (issue_kind in ('first_issue', 'renewal', 'reissue')),
      status text not null check (status in ('valid', 'superseded', 'reported_lost', 'revoked', 'expired')),
      issue_date date not null,
      expiry_date date,
      authority text not null,
      reason text,
      legal_basis text not null,
      issued_by text not null,
      province_code text,
      commune_code text,
      document_signer_id bigint not null references cards.signing_key (id),
      sod_sha256 bytea not null unique,
      status_reason text,
      status_changed_at timestamptz,
      created_at timestamptz not null default now(),
      synthetic boolean not null default false,
      primary key (id_number, card_no)
    );
    create unique index card_one_valid on cards.card (id_number) where status = 'valid';

    -- What happened to each card, append-only: issued, superseded, reported_lost, revoked.
    create table cards.card_event (
      id bigserial primary key,
      id_number text not null,
      card_no int not null,
      kind text not null check (kind in ('issued', 'superseded', 'reported_lost', 'revoked')),
      at timestamptz not null,
      actor_kind text not null check (actor_kind in ('officer', 'system')),
      actor_id text not null,
      reason text,
      legal_basis text,
      request_id text,
      foreign key (id_number, card_no) references cards.card (id_number, card_no)
    );
    create index card_event_card on cards.card_event (id_number, card_no, id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop schema cards cascade`.execute(db);
}
