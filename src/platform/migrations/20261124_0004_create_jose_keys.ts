import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- The platform's JOSE signing keys (OpenID Connect ID tokens, JWT access tokens, webhook
    -- signatures). The newest active key signs; retired keys leave the published JWKS.
    create table platform.jose_keys (
      kid text primary key,
      alg text not null,
      public_jwk jsonb not null,
      private_jwk text not null,
      encrypted boolean not null,
      created_at timestamptz not null default now(),
      retired_at timestamptz
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table platform.jose_keys;`.execute(db);
}
