import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Housekeeping (src/identity/housekeeping.ts) finds old rows by these, a bounded batch at a time.
    create index one_time_code_expiry on identity.one_time_code (expires_at);
    create index webauthn_challenge_expiry on identity.webauthn_challenge (expires_at);
    create index session_ended on identity.session ((coalesce(revoked_at, expires_at)));
    create index sign_in_at on identity.sign_in (at);
    create index signin_throttle_updated on identity.signin_throttle (updated_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index identity.one_time_code_expiry, identity.webauthn_challenge_expiry, identity.session_ended, identity.sign_in_at, identity.signin_throttle_updated`.execute(db);
}
