/**
 * The citizen's access history: who read their data, when, which fields, why and on what legal
 * basis. Three sources, all tamper-evident or indexed: the person's entries in the hash-chained
 * audit log (partner calls, deliveries, officers' reads, their own consents), the bulk jobs that
 * read them (one chained entry per job + the per-person index), and the subscriptions that follow
 * their life events. Filterable, exportable as CSV.
 */
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { searchChain, type ChainedEntry } from '../platform/audit/index.ts';
import type { Localised } from '../platform/i18n/lang.ts';
import { compareVi } from '../vn/index.ts';
import { fieldLabel, purposeLabel } from './catalogue.ts';
import { pageOf, parseSort, type PageRequest, type SortParam } from '../platform/http/paging.ts';
import { bulkStore } from './bulk/bulk.store.ts';
import type { EventsService } from './events.service.ts';
import { exchangeStore, type MemberRow, type SystemRow } from './exchange.store.ts';

export interface AccessItem {
  at: string;
  source: 'audit' | 'bulk_job';
  /** Audit sequence number (the link in the chain), or the job id. */
  ref: string;
  who: { kind: string; id: string; memberId: string | null; name: string | null; systemName: string | null };
  action: string;
  service: string | null;
  purpose: { code: string | null; label: Localised | null };
  legalBasis: string | null;
  consentId: string | null;
  fields: Array<{ field: string; label: Localised }>;
  outcome: string | null;
}

export interface AccessQuery {
  from?: Date;
  to?: Date;
  memberId?: string;
  service?: string;
  actorKind?: 'partner' | 'officer' | 'citizen' | 'system';
}

export const ACCESS_SORTS = ['at', 'organisation', 'service'] as const;
type AccessSort = SortParam<(typeof ACCESS_SORTS)[number]>;

/** Audit entries a page of the history reads at most (the CSV export reads them all). */
const SCAN_LIMIT = 10_000;
const BATCH = 500;

type Names = { members: Map<string, MemberRow>; systems: Map<string, SystemRow> };

export class AccessLogService {
  constructor(private readonly db: Kysely<any>, private readonly events: EventsService) {}

  private async names(): Promise<Names> {
    const [m, s] = await Promise.all([exchangeStore.members(this.db), exchangeStore.systems(this.db)]);
    return { members: new Map(m.map((x) => [x.id, x])), systems: new Map(s.map((x) => [x.id, x])) };
  }

  /** The person's chained entries that match, newest first, read in batches as they are consumed. */
  private async *fromChain(idNumber: string, q: AccessQuery, names: Names, scan: { read: number; limit: number }): AsyncGenerator<AccessItem> {
    let before: number | undefined;
    while (scan.read < scan.limit) {
      const page = await searchChain(this.db, { subjectId: idNumber, beforeSeq: before, from: q.from, to: q.to, limit: BATCH });
      scan.read += page.length;
      for (const e of page) {
        if (e.subjectKind !== 'person' || (q.actorKind && e.actorKind !== q.actorKind)) continue;
        const item = fromAudit(e, names.members, names.systems);
        if ((q.memberId && item.who.memberId !== q.memberId) || (q.service && item.service !== q.service)) continue;
        yield item;
      }
      if (page.length < BATCH) return;
      before = page[page.length - 1]!.seq;
    }
  }

  /** The bulk jobs that read the person (the per-person index) and match, newest first. */
  private async *fromBulkJobs(idNumber: string, q: AccessQuery, names: Names): AsyncGenerator<AccessItem> {
    if ((q.actorKind && q.actorKind !== 'partner') || (q.service && q.service !== 'bulk_verification')) return;
    for (let offset = 0; ; offset += BATCH) {
      const jobs = await bulkStore.jobsOfPerson(this.db, idNumber, BATCH, offset);
      for (const j of jobs) {
        const at = j.started_at ?? j.created_at;
        if ((q.from && at < q.from) || (q.to && at >= q.to) || (q.memberId && j.member_id !== q.memberId)) continue;
        yield {
          at: at.toISOString(), source: 'bulk_job', ref: j.id,
          who: { kind: 'partner', id: j.system_id, memberId: j.member_id, name: names.members.get(j.member_id)?.name ?? null, systemName: names.systems.get(j.system_id)?.name ?? null },
          action: 'exchange.bulk_verification', service: 'bulk_verification', purpose: { code: j.purpose, label: purposeLabel(j.purpose) },
          legalBasis: j.legal_basis, consentId: null, fields: j.fields.map((f) => ({ field: f, label: fieldLabel(f) })), outcome: j.status,
        };
      }
      if (jobs.length < BATCH) return;
    }
  }

  /** Every access that matches, newest first: the audit chain and the bulk jobs merged by time. */
  private async *accesses(idNumber: string, q: AccessQuery, names: Names, scan: { read: number; limit: number }): AsyncGenerator<AccessItem> {
    const a = this.fromChain(idNumber, q, names, scan);
    const b = this.fromBulkJobs(idNumber, q, names);
    let x = await a.next();
    let y = await b.next();
    while (!x.done || !y.done) {
      if (!x.done && (y.done || x.value.at >= y.value.at)) {
        yield x.value;
        x = await a.next();
      } else if (!y.done) {
        yield y.value;
        y = await b.next();
      }
    }
  }

  /**
   * A page of the history, with the subscriptions following the person. Newest first reads only as
   * far as the page needs; another order sorts what the first SCAN_LIMIT audit entries give
   * (`truncated` says when there were more).
   */
  async history(idNumber: string, q: AccessQuery = {}, p: PageRequest<AccessSort> = { limit: 200, offset: 0, sort: '-at' }) {
    const names = await this.names();
    const scan = { read: 0, limit: SCAN_LIMIT };
    const want = p.sort === '-at' ? p.offset + p.limit + 1 : Infinity;
    const items: AccessItem[] = [];
    for await (const item of this.accesses(idNumber, q, names, scan)) {
      items.push(item);
      if (items.length >= want) break;
    }
    const watches = (await this.events.watchesOf(idNumber)).filter((w) => !q.memberId || w.member_id === q.memberId).map((w) => ({
      subscriptionId: w.subscription_id, since: w.since.toISOString(), memberId: w.member_id, memberName: w.member_name, systemName: w.system_name,
      purpose: { code: w.purpose, label: purposeLabel(w.purpose) }, topics: w.topics.map((t) => ({ field: t, label: fieldLabel(t) })), legalBasis: w.legal_basis,
    }));
    return { idNumber, ...pageOf(sortAccesses(items, p.sort).slice(p.offset), p, (i) => i), followedBy: watches, truncated: scan.read >= SCAN_LIMIT };
  }

  /** Every access the filters select, newest first, as CSV lines produced while they are read. */
  async csv(idNumber: string, q: AccessQuery): Promise<Readable> {
    const names = await this.names();
    const items = this.accesses(idNumber, q, names, { read: 0, limit: Infinity });
    return Readable.from((async function* () {
      yield CSV_HEAD;
      for await (const i of items) yield csvLine(i);
    })());
  }
}

const byTime = (a: AccessItem, b: AccessItem) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0);

function sortAccesses(items: readonly AccessItem[], sort: AccessSort): AccessItem[] {
  const { column, desc } = parseSort(sort);
  const name = (i: AccessItem) => (column === 'organisation' ? (i.who.name ?? '') : (i.service ?? ''));
  const sign = desc ? -1 : 1;
  return [...items].sort((a, b) => sign * ((column === 'at' ? 0 : compareVi(name(a), name(b))) || byTime(a, b)));
}

function fromAudit(e: ChainedEntry, members: Map<string, MemberRow>, systems: Map<string, SystemRow>): AccessItem {
  const d = (e.details ?? {}) as Record<string, unknown>;
  const memberId = typeof d.member === 'string' ? d.member : null;
  const systemId = e.actorKind === 'partner' ? e.actorId : null;
  const legal = e.legalBasis ?? null;
  const consentId = typeof d.consent === 'string' ? d.consent : legal?.startsWith('consent:') ? legal.slice(8) : null;
  const purposeCode = e.purpose ?? null;
  return {
    at: e.at.toISOString(), source: 'audit', ref: String(e.seq),
    who: {
      kind: e.actorKind, id: e.actorId, memberId,
      name: memberId ? members.get(memberId)?.name ?? memberId : e.actorKind === 'officer' ? 'Cán bộ cơ quan quản lý dân cư / registry officer' : e.actorKind === 'citizen' ? 'Bạn / you' : typeof d.organisation === 'string' ? d.organisation : null,
      systemName: systemId ? systems.get(systemId)?.name ?? null : null,
    },
    action: e.action, service: typeof d.service === 'string' ? d.service : null,
    purpose: { code: purposeCode, label: purposeCode ? purposeLabel(purposeCode) : null },
    legalBasis: legal, consentId,
    fields: (e.fields ?? []).map((f) => ({ field: f, label: fieldLabel(f) })),
    outcome: typeof d.outcome === 'string' ? d.outcome : null,
  };
}

const cell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

// UTF-8 with a BOM so spreadsheet programs read Vietnamese correctly.
const CSV_HEAD = `\ufeff${['thời điểm/at', 'tổ chức/organisation', 'hệ thống/system', 'loại/kind', 'dịch vụ/service', 'hành động/action', 'mục đích/purpose', 'căn cứ/legal basis', 'trường/fields', 'kết quả/outcome', 'tham chiếu/ref'].join(',')}\n`;

function csvLine(i: AccessItem): string {
  return `${[i.at, i.who.name, i.who.systemName, i.who.kind, i.service, i.action, i.purpose.label?.vi ?? i.purpose.code, i.legalBasis, i.fields.map((f) => f.field).join(' '), i.outcome, `${i.source}:${i.ref}`].map(cell).join(',')}\n`;
}
