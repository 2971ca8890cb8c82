/**
 * Event subscriptions: a system subscribes to life events (death, card revoked or reported lost,
 * residence changes) of the people it has a lawful relationship with — the people it puts on the
 * subscription's watch list, each checked against the grant's legal basis (for a consent-based
 * grant, the person's consent covering the topics). An outbox consumer turns each event about a
 * watched person into a delivery row (in the consumer's transaction: at least once, never lost);
 * a deliverer POSTs each as a compact JWS signed with the platform key (public keys at
 * /oidc/jwks), retrying with exponential backoff, and audits each delivery as a disclosure of
 * the person's event to the partner. Receivers are https hosts at public addresses, checked when
 * subscribing and before each delivery (webhook-target.ts).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { AuditWriter } from '../platform/audit/index.ts';
import type { Clock } from '../platform/clock.ts';
import { consumeAll } from '../platform/events/outbox.ts';
import { AppError } from '../platform/http/errors.ts';
import { EVENT_TOPICS, type EventTopic } from './catalogue.ts';
import type { Caller, Directory } from './entitlements.ts';
import { exchangeStore } from './exchange.store.ts';
import { basisText, today, type PartnerService } from './partner.service.ts';
import type { JwsSigner } from './signer.ts';
import { postTo, resolveWebhook, type WebhookPolicy } from './webhook-target.ts';
import './exchange.errors.ts';

export const FANOUT_CONSUMER = 'exchange.event-fanout';
export const MAX_WATCH_PER_CALL = 10_000;

export interface SubscriptionRow {
  id: string;
  system_id: string;
  grant_id: number;
  purpose: string;
  topics: string[];
  url: string;
  status: 'active' | 'cancelled';
  created_at: Date;
  cancelled_at: Date | null;
}

export interface DeliveryRow {
  id: string;
  subscription_id: string;
  system_id: string;
  outbox_id: number;
  topic: string;
  id_number: string;
  occurred_at: Date;
  status: 'pending' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

export interface EventsOptions {
  /** Wait before each retry, ms; a delivery fails after one attempt more than this list is long. Default 10 s, 1 min, 5 min, 30 min, 2 h, 12 h. */
  backoffMs?: readonly number[];
  /** Per-attempt HTTP timeout, ms (default 10 s). */
  timeoutMs?: number;
  /** Which receivers are allowed and how their hosts are resolved. */
  webhooks: WebhookPolicy;
  issuer: string;
}

const DEFAULT_BACKOFF = [10_000, 60_000, 300_000, 1_800_000, 7_200_000, 43_200_000];

export function subscriptionView(s: SubscriptionRow, watched?: number) {
  return { id: s.id, purpose: s.purpose, topics: s.topics, url: s.url, status: s.status, grantId: Number(s.grant_id), createdAt: s.created_at.toISOString(), cancelledAt: s.cancelled_at?.toISOString() ?? null, ...(watched === undefined ? {} : { watched }) };
}

export function deliveryView(d: DeliveryRow) {
  return {
    id: d.id, subscriptionId: d.subscription_id, topic: d.topic, idNumber: d.id_number, occurredAt: d.occurred_at.toISOString(), status: d.status,
    attempts: d.attempts, nextAttemptAt: d.status === 'pending' ? d.next_attempt_at.toISOString() : null, lastStatus: d.last_status, lastError: d.last_error,
    createdAt: d.created_at.toISOString(), deliveredAt: d.delivered_at?.toISOString() ?? null,
  };
}

export class EventsService {
  private readonly backoff: readonly number[];

  constructor(
    private readonly d: { db: Kysely<any>; clock: Clock; audit: AuditWriter; directory: Directory; partner: PartnerService; signer: JwsSigner },
    private readonly opts: EventsOptions,
  ) {
    this.backoff = opts.backoffMs ?? DEFAULT_BACKOFF;
  }

  async subscribe(caller: Caller, b: { purpose: string; topics: EventTopic[]; url: string }) {
    await resolveWebhook(b.url, this.opts.webhooks);
    const topics = [...new Set(b.topics)];
    const g = await this.d.partner.gate(caller, 'event_subscription', b.purpose, topics, null, 0);
    const row = await this.d.db.insertInto('exchange.subscription').values({ system_id: caller.systemId, grant_id: g.grant.id, purpose: b.purpose, topics, url: b.url }).returningAll().executeTakeFirstOrThrow() as SubscriptionRow;
    await this.d.audit.append({ at: this.d.clock.now(), actorKind: 'partner', actorId: caller.systemId, action: 'exchange.subscription.create', subjectKind: 'subscription', subjectId: row.id, fields: topics, purpose: b.purpose, legalBasis: basisText(g.grant, g.grant.basis === 'consent' ? 'per person' : null), details: { member: caller.memberId, url: b.url } });
    return subscriptionView(row, 0);
  }

  private async own(caller: Caller, id: string): Promise<SubscriptionRow> {
    const s = /^[0-9a-f-]{36}$/.test(id) ? await this.d.db.selectFrom('exchange.subscription').selectAll().where('id', '=', id).executeTakeFirst() as SubscriptionRow | undefined : undefined;
    if (!s || s.system_id !== caller.systemId) throw new AppError('EXCHANGE_SUBSCRIPTION_NOT_FOUND', { subscriptionId: id });
    return s;
  }

  async list(caller: Caller) {
    const rows = await this.d.db.selectFrom('exchange.subscription as s').selectAll('s')
      .select((eb: any) => eb.selectFrom('exchange.watch as w').select(sql<number>`count(*)::int`.as('n')).whereRef('w.subscription_id', '=', 's.id').as('watched'))
      .where('s.system_id', '=', caller.systemId).orderBy('s.created_at', 'desc').execute() as Array<SubscriptionRow & { watched: number }>;
    return rows.map((r) => subscriptionView(r, Number(r.watched)));
  }

  async cancel(caller: Caller, id: string) {
    await this.own(caller, id);
    const row = await this.d.db.updateTable('exchange.subscription').set({ status: 'cancelled', cancelled_at: this.d.clock.now() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow() as SubscriptionRow;
    await this.d.db.deleteFrom('exchange.watch').where('subscription_id', '=', id).execute();
    await this.d.audit.append({ at: this.d.clock.now(), actorKind: 'partner', actorId: caller.systemId, action: 'exchange.subscription.cancel', subjectKind: 'subscription', subjectId: id, details: { member: caller.memberId } });
    return subscriptionView(row, 0);
  }

  /**
   * Adds people to (or removes them from) a subscription's watch list. Under a consent-based grant
   * only people whose consent covers the subscription's topics are added; the others are listed as
   * refused. One chained audit entry per call; the watch list is the per-person index the citizen's
   * history reads.
   */
  async watch(caller: Caller, id: string, b: { add?: string[]; remove?: string[] }, requestId: string | null) {
    const s = await this.own(caller, id);
    if (s.status !== 'active') throw new AppError('EXCHANGE_SUBSCRIPTION_NOT_FOUND', { subscriptionId: id });
    const add = [...new Set(b.add ?? [])];
    const remove = [...new Set(b.remove ?? [])];
    const g = await this.d.partner.gate(caller, 'event_subscription', s.purpose, s.topics, null, 0);
    const day = today(this.d.clock);
    let allowed = add;
    let refused: string[] = [];
    let consents = new Map<string, string>();
    if (g.grant.basis === 'consent' && add.length) {
      consents = await exchangeStore.consentedAmong(this.d.db, add, caller.memberId, s.purpose, s.topics, day);
      allowed = add.filter((x) => consents.has(x));
      refused = add.filter((x) => !consents.has(x));
    }
    const at = this.d.clock.now();
    const legal = basisText(g.grant, 'per person');
    let added = 0;
    if (allowed.length) {
      const rows = allowed.map((x) => ({ id_number: x, subscription_id: id, since: at, legal_basis: g.grant.basis === 'consent' ? `consent:${consents.get(x)}` : legal }));
      const r = await sql<{ n: number }>`
        with ins as (
          insert into exchange.watch (id_number, subscription_id, since, legal_basis)
          select id_number, subscription_id::uuid, since, legal_basis from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id_number text, subscription_id text, since timestamptz, legal_basis text)
          on conflict do nothing returning 1)
        select count(*)::int as n from ins`.execute(this.d.db);
      added = r.rows[0]!.n;
    }
    let removed = 0;
    if (remove.length) {
      const r = await this.d.db.deleteFrom('exchange.watch').where('subscription_id', '=', id).where('id_number', 'in', remove).executeTakeFirst();
      removed = Number(r.numDeletedRows);
    }
    await this.d.audit.append({ at, actorKind: 'partner', actorId: caller.systemId, action: 'exchange.subscription.watch', subjectKind: 'subscription', subjectId: id, fields: s.topics, purpose: s.purpose, legalBasis: legal, requestId, details: { member: caller.memberId, added, removed, refused: refused.length } });
    const count = await this.d.db.selectFrom('exchange.watch').select(sql<number>`count(*)::int`.as('n')).where('subscription_id', '=', id).executeTakeFirstOrThrow();
    return { subscriptionId: id, added, removed, refused, watched: Number(count.n) };
  }

  /** Outbox consumer: one delivery per event, watched person and matching subscription (idempotent). */
  fanOut(): Promise<number> {
    return consumeAll(this.d.db, FANOUT_CONSUMER, EVENT_TOPICS, async (event, trx) => {
      const p = event.payload as { subjects?: Array<{ idNumber: string; role: string }>; idNumber?: string; at?: string };
      const ids = event.topic === 'person.deceased'
        ? (p.subjects ?? []).filter((s) => s.role === 'deceased').map((s) => s.idNumber)
        : p.subjects ? p.subjects.map((s) => s.idNumber) : p.idNumber ? [p.idNumber] : [];
      if (!ids.length) return;
      await insertDeliveries(trx, event.id, event.topic, [...new Set(ids)], p.at ? new Date(p.at) : event.createdAt);
    });
  }

  /** Sends the deliveries that are due (at most `limit`), each signed; returns how many were attempted. */
  async deliverDue(limit = 50): Promise<number> {
    const { rows } = await sql<DeliveryRow & { url: string; purpose: string; grant_id: number; client_id: string; member_id: string }>`
      with due as (
        select id from exchange.delivery
        where (status = 'pending' and next_attempt_at <= now()) or (status = 'sending' and next_attempt_at <= now() - interval '5 minutes')
        order by next_attempt_at limit ${limit} for update skip locked)
      update exchange.delivery d set status = 'sending', next_attempt_at = now()
      from due, exchange.subscription s, exchange.system y
      where d.id = due.id and s.id = d.subscription_id and y.id = d.system_id
      returning d.*, s.url, s.purpose, s.grant_id, y.client_id, y.member_id`.execute(this.d.db);
    await Promise.all(rows.map((r) => this.send(r)));
    return rows.length;
  }

  private async send(r: DeliveryRow & { url: string; purpose: string; grant_id: number; client_id: string; member_id: string }): Promise<void> {
    const attempt = r.attempts + 1;
    // Still lawful now? The grant must be live and valid today; a consent basis needs the consent still.
    const day = today(this.d.clock);
    const grant = (await this.d.directory.grants(r.system_id)).find((g) => Number(g.id) === Number(r.grant_id));
    let stop: string | null = null;
    let legal: string | null = null;
    if (!grant || grant.valid_from > day || grant.valid_until < day) stop = 'the subscription\'s grant is no longer valid';
    else if (grant.basis === 'consent') {
      const c = await exchangeStore.consentedAmong(this.d.db, [r.id_number], r.member_id, r.purpose, [r.topic], day);
      if (!c.size) stop = 'no consent on record for this topic'; else legal = `consent:${c.get(r.id_number)}`;
    } else legal = grant.provision;
    if (stop) {
      await this.d.db.updateTable('exchange.delivery').set({ status: 'failed', attempts: attempt, last_error: stop, last_status: null }).where('id', '=', r.id).execute();
      return;
    }
    const now = this.d.clock.now();
    const payload = {
      iss: this.opts.issuer, aud: r.client_id, iat: Math.floor(now.getTime() / 1000), jti: r.id,
      subscriptionId: r.subscription_id, topic: r.topic, idNumber: r.id_number, occurredAt: r.occurred_at.toISOString(), eventId: Number(r.outbox_id), attempt,
    };
    let status: number | null = null;
    let error: string | null = null;
    try {
      // Checked again now, and the connection goes to the address checked (no DNS rebinding).
      const target = await resolveWebhook(r.url, this.opts.webhooks);
      const jws = await this.d.signer.sign(payload, 'open06-event+jws');
      status = await postTo(target.url, target.address, jws, { 'content-type': 'application/jose', 'x-open06-delivery': r.id, 'x-open06-topic': r.topic, 'user-agent': 'Open06-webhooks/1' }, this.opts.timeoutMs ?? 10_000);
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (e) {
      const name = (e as Error).name;
      error = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : String((e as Error).message).slice(0, 300);
    }
    if (!error) {
      await this.d.db.updateTable('exchange.delivery').set({ status: 'delivered', attempts: attempt, last_status: status, last_error: null, delivered_at: now }).where('id', '=', r.id).execute();
      await this.d.audit.append({
        at: now, actorKind: 'partner', actorId: r.system_id, action: 'exchange.event_subscription', subjectKind: 'person', subjectId: r.id_number,
        fields: [r.topic], purpose: r.purpose, legalBasis: legal, requestId: null,
        details: { member: r.member_id, system: r.system_id, service: 'event_subscription', grant: Number(r.grant_id), outcome: 'delivered', delivery: r.id, subscription: r.subscription_id },
      });
      return;
    }
    const wait = this.backoff[attempt - 1];
    if (wait === undefined) {
      await this.d.db.updateTable('exchange.delivery').set({ status: 'failed', attempts: attempt, last_status: status, last_error: error }).where('id', '=', r.id).execute();
    } else {
      await sql`update exchange.delivery set status = 'pending', attempts = ${attempt}, last_status = ${status}, last_error = ${error}, next_attempt_at = now() + make_interval(secs => ${wait / 1000}) where id = ${r.id}`.execute(this.d.db);
    }
  }

  /** The subscriptions following a person (the citizen's history). */
  async watchesOf(idNumber: string) {
    const { rows } = await sql<{ subscription_id: string; since: Date; legal_basis: string; purpose: string; topics: string[]; system_id: string; system_name: string; member_id: string; member_name: string }>`
      select w.subscription_id, w.since, w.legal_basis, s.purpose, s.topics, s.system_id, y.name as system_name, y.member_id, m.name as member_name
      from exchange.watch w join exchange.subscription s on s.id = w.subscription_id join exchange.system y on y.id = s.system_id join exchange.member m on m.id = y.member_id
      where w.id_number = ${idNumber} and s.status = 'active' order by w.since desc`.execute(this.d.db);
    return rows;
  }
}

async function insertDeliveries(trx: Transaction<any>, outboxId: number, topic: string, ids: string[], at: Date): Promise<void> {
  await sql`
    insert into exchange.delivery (subscription_id, system_id, outbox_id, topic, id_number, occurred_at)
    select s.id, s.system_id, ${outboxId}, ${topic}, w.id_number, ${at}
    from exchange.watch w join exchange.subscription s on s.id = w.subscription_id
    where w.id_number = any(${ids}::text[]) and s.status = 'active' and ${topic} = any(s.topics)
    on conflict do nothing`.execute(trx);
}
