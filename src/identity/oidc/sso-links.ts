/**
 * Single sign-on per device: each provider Session (a browser's cookie at /oidc) is linked to the
 * device session (identity.session) started when the citizen signed in through it — by the
 * interaction for relying parties, by the portal's callback for the portal — so that revoking a
 * device ends single sign-on in that browser only. Links are keyed by the provider Session's uid,
 * which stays the same when the provider rotates the session's id.
 */
import { sql, type Kysely } from 'kysely';

/** Where the interaction leaves the device session for the provider (read back after `resume`). */
export const DEVICE_SESSION_RESULT_KEY = 'open06DeviceSession';

export async function linkDeviceSession(db: Kysely<any>, providerSessionUid: string, deviceSessionId: string): Promise<void> {
  await sql`insert into identity.oidc_session_device (session_uid, device_session_id) values (${providerSessionUid}, ${deviceSessionId}::uuid)
    on conflict do nothing`.execute(db);
}

/** Links the provider Session that issued an authorization code (the portal's callback); false when the code is unknown. */
export async function linkDeviceSessionByCode(db: Kysely<any>, code: string, deviceSessionId: string): Promise<boolean> {
  const r = await sql`
    insert into identity.oidc_session_device (session_uid, device_session_id)
    select payload->>'sessionUid', ${deviceSessionId}::uuid from identity.oidc_payloads
    where model = 'AuthorizationCode' and id = ${code} and payload->>'sessionUid' is not null
    on conflict do nothing`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Ends the account's provider Sessions linked to these device sessions; returns how many. */
export async function endSsoOfDevices(db: Kysely<any>, accountId: string, deviceSessionIds: string[]): Promise<number> {
  if (!deviceSessionIds.length) return 0;
  const r = await sql`
    delete from identity.oidc_payloads
    where model = 'Session' and account_id = ${accountId}
      and uid in (select session_uid from identity.oidc_session_device where device_session_id = any(${deviceSessionIds}::uuid[]))`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** Ends every provider Session of the account except those linked to the device session kept. */
export async function endSsoExceptDevice(db: Kysely<any>, accountId: string, keepDeviceSessionId: string): Promise<number> {
  const r = await sql`
    delete from identity.oidc_payloads
    where model = 'Session' and account_id = ${accountId}
      and uid not in (select session_uid from identity.oidc_session_device where device_session_id = ${keepDeviceSessionId}::uuid)`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
