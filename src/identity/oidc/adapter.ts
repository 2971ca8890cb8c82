/**
 * oidc-provider's storage adapter on PostgreSQL: one row per model instance in
 * identity.oidc_payloads. Clients come from identity.oidc_clients (read-only here) and are cached
 * for a few seconds because every token request looks its client up.
 *
 * Replay detection (client assertions, DPoP proofs) is made atomic: the provider first `find`s the
 * id and then `upsert`s it, which two concurrent requests could both pass; here `find` itself
 * claims the id with an insert, so exactly one of them sees it absent.
 */
import { sql, type Kysely } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { clientMetadata, type ClientStore } from './clients.ts';
import { purgeExpiredPayloads } from '../housekeeping.ts';

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
const REPLAY_CLAIM_SECONDS = 600;

/**
 * Claims of replay-detection ids, group-committed: every token request of a partner system claims
 * its client assertion's id, and one insert per batch (instead of one commit per request) keeps
 * the token endpoint from waiting on the disk one request at a time.
 */
export class ReplayClaims {
  private queue: Array<{ id: string; resolve: (fresh: boolean) => void; reject: (e: unknown) => void }> = [];
  private draining: Promise<void> | null = null;

  constructor(private readonly db: Kysely<any>, private readonly maxBatch = 500) {}

  /** True when the id was not seen before (and is now recorded). */
  claim(id: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        const ids = [...new Set(batch.map((b) => b.id))];
        try {
          const r = await sql<{ id: string }>`
            insert into identity.oidc_payloads (model, id, payload, expires_at)
            select 'ReplayDetection', x, '{}'::jsonb, now() + make_interval(secs => ${REPLAY_CLAIM_SECONDS}) from unnest(${ids}::text[]) as x
            on conflict (model, id) do update set payload = identity.oidc_payloads.payload
              where identity.oidc_payloads.expires_at < now()
            returning id`.execute(this.db);
          const fresh = new Set(r.rows.map((x) => x.id));
          for (const b of batch) {
            // Within one batch the same id is fresh for its first claimant only.
            b.resolve(fresh.delete(b.id));
          }
        } catch (e) {
          for (const b of batch) b.reject(e);
        }
      }
    } finally {
      this.draining = null;
    }
  }
}

export function pgAdapterFactory(db: Kysely<any>, clients: ClientStore): new (model: string) => Adapter {
  const replay = new ReplayClaims(db);
  return class PgAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === 'Client') throw new Error('clients are managed through the admin API');
      // `find` already claimed the id for REPLAY_CLAIM_SECONDS; only a longer-lived assertion needs its expiry extended.
      if (this.model === 'ReplayDetection' && expiresIn <= REPLAY_CLAIM_SECONDS) return;
      const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
      await sql`
        insert into identity.oidc_payloads (model, id, payload, grant_id, uid, account_id, expires_at)
        values (${this.model}, ${id}, ${JSON.stringify(payload)}::jsonb, ${payload.grantId ?? null}, ${payload.uid ?? null}, ${payload.accountId ?? null}, ${expiresAt})
        on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id, uid = excluded.uid,
          account_id = excluded.account_id, expires_at = excluded.expires_at`.execute(db);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === 'Client') {
        const c = await clients.findCached(id);
        return c ? clientMetadata(c) as AdapterPayload : undefined;
      }
      if (this.model === 'ReplayDetection') return (await replay.claim(id)) ? undefined : { seen: true } as AdapterPayload;
      const r = await sql<{ payload: AdapterPayload; consumed_at: Date | null }>`
        select payload, consumed_at from identity.oidc_payloads
        where model = ${this.model} and id = ${id} and (expires_at is null or expires_at > now())`.execute(db);
      const row = r.rows[0];
      if (!row) return undefined;
      return row.consumed_at ? { ...row.payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : row.payload;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const r = await sql<{ id: string }>`select id from identity.oidc_payloads where model = ${this.model} and uid = ${uid} and (expires_at is null or expires_at > now())`.execute(db);
      return r.rows[0] ? this.find(r.rows[0].id) : undefined;
    }

    async findByUserCode(): Promise<AdapterPayload | undefined> {
      return undefined; // the device flow is not enabled
    }

    async consume(id: string): Promise<void> {
      await sql`update identity.oidc_payloads set consumed_at = now() where model = ${this.model} and id = ${id}`.execute(db);
    }

    async destroy(id: string): Promise<void> {
      await sql`delete from identity.oidc_payloads where model = ${this.model} and id = ${id}`.execute(db);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      if (!GRANTABLE.has(this.model) && this.model !== 'Grant') return;
      await sql`delete from identity.oidc_payloads where grant_id = ${grantId}`.execute(db);
    }
  };
}

/** Deletes rows expired more than a minute ago, a bounded batch at a time; returns how many. */
export function purgeExpired(db: Kysely<any>): Promise<number> {
  return purgeExpiredPayloads(db, new Date(Date.now() - 60_000));
}

/** Ends everything the provider holds for an account: sessions, grants, codes and tokens. */
/** Deletes the account's provider sessions (single sign-on), nothing else. */
export async function endProviderSessions(db: Kysely<any>, accountId: string): Promise<number> {
  const r = await sql`delete from identity.oidc_payloads where model = 'Session' and account_id = ${accountId}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

export async function revokeAccount(db: Kysely<any>, accountId: string): Promise<number> {
  const r = await sql`
    delete from identity.oidc_payloads
    where account_id = ${accountId}
       or grant_id in (select id from identity.oidc_payloads where model = 'Grant' and account_id = ${accountId})`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
