import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Which device session (identity.session) a browser's provider session (oidc_payloads model
    -- 'Session', by its uid, which outlives the session id's rotations) was signed in with, so that
    -- revoking a device ends single sign-on in that browser only.
    create table identity.oidc_session_device (
      session_uid text not null,
      device_session_id uuid not null references identity.session (id) on delete cascade,
      created_at timestamptz not null default now(),
      primary key (session_uid, device_session_id)
    );
    create index oidc_session_device_device on identity.oidc_session_device (device_session_id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table identity.oidc_session_device`.execute(db);
}
