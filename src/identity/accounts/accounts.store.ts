import { sql, type Kysely, type Transaction } from 'kysely';

type Db = Kysely<any> | Transaction<any>;

export const ACCOUNT_STATUSES = ['pending_activation', 'active', 'locked', 'suspended', 'closed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];
export type SignInMethod = 'password' | 'password+totp' | 'passkey';
export type CodePurpose = 'register' | 'activate' | 'unlock' | 'reset_password';

/** A row of identity.account, as stored. */
export interface AccountRow {
  id: string;
  id_number: string;
  level: 1 | 2;
  status: AccountStatus;
  status_reason: string | null;
  status_changed_at: Date;
  status_changed_by: string | null;
  phone: string;
  phone_verified_at: Date | null;
  email: string | null;
  password_hash: string | null;
  password_changed_at: Date | null;
  failed_attempts: number;
  locked_until: Date | null;
  guardian_account_id: string | null;
  totp_secret: Buffer | null;
  totp_pending_secret: Buffer | null;
  totp_enabled_at: Date | null;
  totp_last_step: number | null;
  activated_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  synthetic: boolean;
}

export interface SessionRow {
  id: string;
  account_id: string;
  token_hash: Buffer;
  method: SignInMethod;
  acr: 1 | 2;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

export interface PasskeyRow {
  credential_id: string;
  account_id: string;
  public_key: Buffer;
  counter: number;
  transports: string[];
  name: string;
  aaguid: string | null;
  backed_up: boolean;
  created_at: Date;
  last_used_at: Date | null;
}

export interface CodeRow {
  id: string;
  purpose: CodePurpose;
  account_id: string | null;
  id_number: string;
  phone: string;
  code_hash: Buffer;
  payload: Record<string, unknown>;
  decoy: boolean;
  attempts: number;
  max_attempts: number;
  expires_at: Date;
  consumed_at: Date | null;
  created_at: Date;
}

export interface ChallengeRow {
  id: string;
  purpose: 'register' | 'authenticate';
  account_id: string | null;
  id_number: string | null;
  challenge: string;
  expires_at: Date;
  used_at: Date | null;
}

export interface VerificationRow {
  id: number;
  account_id: string | null;
  id_number: string;
  purpose: 'enrolment' | 'recovery';
  result: 'accepted' | 'refused';
  refusal: string | null;
  officer_id: string;
  office_province_code: string | null;
  office_commune_code: string | null;
  at: Date;
  chip_ok: boolean;
  chip_failures: string[];
  chip_checks: unknown;
  sod_sha256: Buffer | null;
  face_match: 'match' | 'no_match';
  request_id: string | null;
}

/** All SQL of the eID accounts. */
export const accountsStore = {
  /** The person's open (not closed) account. */
  async openAccount(db: Db, idNumber: string, opts: { forUpdate?: boolean } = {}): Promise<AccountRow | undefined> {
    let q = db.selectFrom('identity.account').selectAll().where('id_number', '=', idNumber).where('status', '<>', 'closed');
    if (opts.forUpdate) q = q.forUpdate();
    return (await q.executeTakeFirst()) as AccountRow | undefined;
  },

  /** The open account, else the newest closed one. */
  async latestAccount(db: Db, idNumber: string): Promise<AccountRow | undefined> {
    return (await db.selectFrom('identity.account').selectAll().where('id_number', '=', idNumber)
      .orderBy(sql`status = 'closed'`).orderBy('created_at', 'desc').limit(1).executeTakeFirst()) as AccountRow | undefined;
  },

  async account(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<AccountRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    let q = db.selectFrom('identity.account').selectAll().where('id', '=', id);
    if (opts.forUpdate) q = q.forUpdate();
    return (await q.executeTakeFirst()) as AccountRow | undefined;
  },

  async insertAccount(db: Db, row: Partial<AccountRow> & Pick<AccountRow, 'id_number' | 'level' | 'status' | 'phone' | 'status_changed_at' | 'created_at' | 'updated_at'>): Promise<AccountRow> {
    return (await db.insertInto('identity.account').values(row).returningAll().executeTakeFirstOrThrow()) as AccountRow;
  },

  async updateAccount(db: Db, id: string, patch: Partial<AccountRow>, now: Date): Promise<AccountRow> {
    return (await db.updateTable('identity.account').set({ ...patch, updated_at: now }).where('id', '=', id).returningAll().executeTakeFirstOrThrow()) as AccountRow;
  },

  /** One more failure; locks (status `locked` until `lockUntil`) at the `max`th. */
  async recordFailure(db: Db, id: string, max: number, lockUntil: Date, now: Date): Promise<AccountRow> {
    return (await db.updateTable('identity.account')
      .set({
        failed_attempts: sql`failed_attempts + 1`,
        locked_until: sql`case when failed_attempts + 1 >= ${max} then ${lockUntil}::timestamptz else locked_until end`,
        status: sql`case when failed_attempts + 1 >= ${max} and status = 'active' then 'locked' else status end`,
        status_changed_at: sql`case when failed_attempts + 1 >= ${max} and status = 'active' then ${now}::timestamptz else status_changed_at end`,
        status_reason: sql`case when failed_attempts + 1 >= ${max} and status = 'active' then 'too_many_failures' else status_reason end`,
        updated_at: now,
      })
      .where('id', '=', id).returningAll().executeTakeFirstOrThrow()) as AccountRow;
  },

  async throttle(db: Db, idNumber: string): Promise<{ failed_attempts: number; locked_until: Date | null } | undefined> {
    return (await db.selectFrom('identity.signin_throttle').select(['failed_attempts', 'locked_until']).where('id_number', '=', idNumber).executeTakeFirst()) as { failed_attempts: number; locked_until: Date | null } | undefined;
  },

  /** A failure for an ID number without an account: counted the same way as for an account. */
  async recordThrottle(db: Db, idNumber: string, max: number, lockUntil: Date, now: Date): Promise<{ failed_attempts: number; locked_until: Date | null }> {
    const r = await sql<{ failed_attempts: number; locked_until: Date | null }>`
      insert into identity.signin_throttle as t (id_number, failed_attempts, locked_until, updated_at)
      values (${idNumber}, 1, case when 1 >= ${max} then ${lockUntil}::timestamptz end, ${now})
      on conflict (id_number) do update set
        failed_attempts = case when t.locked_until is not null and t.locked_until <= ${now} then 1 else t.failed_attempts + 1 end,
        locked_until = case
          when (case when t.locked_until is not null and t.locked_until <= ${now} then 1 else t.failed_attempts + 1 end) >= ${max} then ${lockUntil}::timestamptz
          when t.locked_until is not null and t.locked_until <= ${now} then null
          else t.locked_until end,
        updated_at = ${now}
      returning failed_attempts, locked_until`.execute(db);
    return r.rows[0]!;
  },

  // ---- sessions and sign-in history -------------------------------------------------------------

  async insertSession(db: Db, s: Omit<SessionRow, 'id' | 'revoked_at' | 'revoked_reason'>): Promise<SessionRow> {
    return (await db.insertInto('identity.session').values(s).returningAll().executeTakeFirstOrThrow()) as SessionRow;
  },

  async seenDevice(db: Db, accountId: string, ip: string | null, userAgent: string | null): Promise<{ any: boolean; same: boolean }> {
    const r = await sql<{ any: boolean; same: boolean }>`
      select exists (select 1 from identity.session where account_id = ${accountId}) as any,
             exists (select 1 from identity.session where account_id = ${accountId} and ip is not distinct from ${ip} and user_agent is not distinct from ${userAgent}) as same`.execute(db);
    return r.rows[0]!;
  },

  async session(db: Db, id: string): Promise<SessionRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    return (await db.selectFrom('identity.session').selectAll().where('id', '=', id).executeTakeFirst()) as SessionRow | undefined;
  },

  /** The live session of a token with its account (not revoked, not expired). */
  async sessionByToken(db: Db, tokenHash: Buffer, now: Date): Promise<(SessionRow & { id_number: string; level: 1 | 2; status: AccountStatus }) | undefined> {
    return (await db.selectFrom('identity.session as s').innerJoin('identity.account as a', 'a.id', 's.account_id')
      .selectAll('s').select(['a.id_number', 'a.level', 'a.status'])
      .where('s.token_hash', '=', tokenHash).where('s.revoked_at', 'is', null).where('s.expires_at', '>', now)
      .executeTakeFirst()) as (SessionRow & { id_number: string; level: 1 | 2; status: AccountStatus }) | undefined;
  },

  async touchSession(db: Db, id: string, now: Date): Promise<void> {
    await db.updateTable('identity.session').set({ last_seen_at: now }).where('id', '=', id).execute();
  },

  async sessions(db: Db, accountId: string, now: Date): Promise<SessionRow[]> {
    return (await db.selectFrom('identity.session').selectAll().where('account_id', '=', accountId).where('revoked_at', 'is', null).where('expires_at', '>', now).orderBy('last_seen_at', 'desc').execute()) as SessionRow[];
  },

  /** Revokes sessions of an account (one, all but one, or all); returns how many. */
  async revokeSessions(db: Db, accountId: string, now: Date, reason: string, which: { only?: string; except?: string } = {}): Promise<number> {
    let q = db.updateTable('identity.session').set({ revoked_at: now, revoked_reason: reason }).where('account_id', '=', accountId).where('revoked_at', 'is', null);
    if (which.only) q = q.where('id', '=', which.only);
    if (which.except) q = q.where('id', '<>', which.except);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  },

  async insertSignIn(db: Db, s: { account_id: string; at: Date; outcome: 'success' | 'failure'; method: string; reason?: string | null; ip?: string | null; user_agent?: string | null }): Promise<void> {
    await db.insertInto('identity.sign_in').values({ reason: null, ip: null, user_agent: null, ...s }).execute();
  },

  /** A page of the account's sign-ins (`limit + 1` rows), by time (`desc`: newest first). */
  async signIns(db: Db, accountId: string, p: { limit: number; offset: number; desc: boolean }): Promise<Array<{ at: Date; outcome: 'success' | 'failure'; method: string; reason: string | null; ip: string | null; user_agent: string | null }>> {
    const dir = p.desc ? 'desc' : 'asc';
    return (await db.selectFrom('identity.sign_in').select(['at', 'outcome', 'method', 'reason', 'ip', 'user_agent']).where('account_id', '=', accountId).orderBy('at', dir).orderBy('id', dir).limit(p.limit + 1).offset(p.offset).execute()) as never;
  },

  // ---- passkeys and WebAuthn challenges ---------------------------------------------------------

  async passkeys(db: Db, accountId: string): Promise<PasskeyRow[]> {
    return (await db.selectFrom('identity.passkey').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute()) as PasskeyRow[];
  },

  async passkey(db: Db, credentialId: string): Promise<PasskeyRow | undefined> {
    return (await db.selectFrom('identity.passkey').selectAll().where('credential_id', '=', credentialId).executeTakeFirst()) as PasskeyRow | undefined;
  },

  async insertPasskey(db: Db, p: PasskeyRow): Promise<boolean> {
    const r = await db.insertInto('identity.passkey').values(p).onConflict((oc: any) => oc.column('credential_id').doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  },

  async usePasskey(db: Db, credentialId: string, counter: number, now: Date): Promise<void> {
    await db.updateTable('identity.passkey').set({ counter, last_used_at: now }).where('credential_id', '=', credentialId).execute();
  },

  async renamePasskey(db: Db, accountId: string, credentialId: string, name: string): Promise<boolean> {
    const r = await db.updateTable('identity.passkey').set({ name }).where('account_id', '=', accountId).where('credential_id', '=', credentialId).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },

  async deletePasskey(db: Db, accountId: string, credentialId: string): Promise<boolean> {
    const r = await db.deleteFrom('identity.passkey').where('account_id', '=', accountId).where('credential_id', '=', credentialId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  },

  async insertChallenge(db: Db, c: Omit<ChallengeRow, 'id' | 'used_at'>): Promise<string> {
    const r = await db.insertInto('identity.webauthn_challenge').values(c).returning('id').executeTakeFirstOrThrow();
    return r.id as string;
  },

  /** Marks a challenge used and returns it, once: null when unknown, used, expired or of another purpose. */
  async useChallenge(db: Db, id: string, purpose: ChallengeRow['purpose'], now: Date): Promise<ChallengeRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const r = await db.updateTable('identity.webauthn_challenge').set({ used_at: now })
      .where('id', '=', id).where('purpose', '=', purpose).where('used_at', 'is', null).where('expires_at', '>', now)
      .returningAll().executeTakeFirst();
    return (r as ChallengeRow | undefined) ?? null;
  },

  // ---- one-time codes ---------------------------------------------------------------------------

  async insertCode(db: Db, c: Omit<CodeRow, 'attempts' | 'consumed_at'> & { ip: string | null }): Promise<void> {
    await db.insertInto('identity.one_time_code').values({ ...c, payload: JSON.stringify(c.payload) }).execute();
  },

  async code(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<CodeRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    let q = db.selectFrom('identity.one_time_code').selectAll().where('id', '=', id);
    if (opts.forUpdate) q = q.forUpdate();
    return (await q.executeTakeFirst()) as CodeRow | undefined;
  },

  /** The newest code of a purpose for an ID number that is not consumed. */
  async latestOpenCode(db: Db, idNumber: string, purpose: CodePurpose): Promise<CodeRow | undefined> {
    return (await db.selectFrom('identity.one_time_code').selectAll().where('id_number', '=', idNumber).where('purpose', '=', purpose).where('consumed_at', 'is', null)
      .orderBy('created_at', 'desc').limit(1).executeTakeFirst()) as CodeRow | undefined;
  },

  async codesSince(db: Db, idNumber: string, purpose: CodePurpose, since: Date): Promise<{ n: number; oldest: Date | null }> {
    const r = await sql<{ n: number; oldest: Date | null }>`select count(*)::int as n, min(created_at) as oldest from identity.one_time_code where id_number = ${idNumber} and purpose = ${purpose} and created_at > ${since}`.execute(db);
    return r.rows[0]!;
  },

  /** Retires earlier open codes of the same purpose (for the same phone when given). */
  async retireCodes(db: Db, idNumber: string, purpose: CodePurpose, now: Date, phone?: string): Promise<void> {
    let q = db.updateTable('identity.one_time_code').set({ consumed_at: now, payload: sql`payload || '{"retired": true}'::jsonb` }).where('id_number', '=', idNumber).where('purpose', '=', purpose).where('consumed_at', 'is', null);
    if (phone !== undefined) q = q.where('phone', '=', phone);
    await q.execute();
  },

  async failCode(db: Db, id: string): Promise<number> {
    const r = await db.updateTable('identity.one_time_code').set({ attempts: sql`attempts + 1` }).where('id', '=', id).returning('attempts').executeTakeFirstOrThrow();
    return r.attempts as number;
  },

  async consumeCode(db: Db, id: string, now: Date): Promise<void> {
    await db.updateTable('identity.one_time_code').set({ consumed_at: now }).where('id', '=', id).execute();
  },

  // ---- level-2 verifications --------------------------------------------------------------------

  async insertVerification(db: Db, v: Omit<VerificationRow, 'id'>): Promise<VerificationRow> {
    return (await db.insertInto('identity.level2_verification').values({ ...v, chip_checks: JSON.stringify(v.chip_checks) }).returningAll().executeTakeFirstOrThrow()) as VerificationRow;
  },

  async verifications(db: Db, idNumber: string): Promise<VerificationRow[]> {
    return (await db.selectFrom('identity.level2_verification').selectAll().where('id_number', '=', idNumber).orderBy('at', 'desc').orderBy('id', 'desc').execute()) as VerificationRow[];
  },
};
