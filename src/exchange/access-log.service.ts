/**
 * The citizen's access history: who read their data, when, which fields, why and on what legal
 * basis. Three sources, all tamper-evident or indexed: the person's entries in the hash-chained
 * audit log (partner calls, deliveries, officers' reads, their own consents), the bulk jobs that
 * read them (one chained entry per job + the per-person index), and the subscriptions that follow
 * their life events. Filterable, exportable as CSV.
 */
import type { Kysely } from 'kysely';
import { searchChain, type ChainedEntry } from '../platform/audit/index.ts';
import type { Localised } from '../platform/i18n/lang.ts';
import { fieldLabel, purposeLabel } from './catalogue.ts';
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
  limit?: number;
}

const SCAN_LIMIT = 10_000;

export class AccessLogService {
  constructor(private readonly db: Kysely<any>, private readonly events: EventsService) {}

  private async names(): Promise<{ members: Map<string, MemberRow>; systems: Map<string, SystemRow> }> {
    const [m, s] = await Promise.all([exchangeStore.members(this.db), exchangeStore.systems(this.db)]);
    return { members: new Map(m.map((x) => [x.id, x])), systems: new Map(s.map((x) => [x.id, x])) };
  }

  async history(idNumber: string, q: AccessQuery = {}) {
    const limit = Math.min(q.limit ?? 200, 5000);
    const { members, systems } = await this.names();
    const items: AccessItem[] = [];
    // The person's chained entries, newest first, filtered as asked (scanning a bounded number).
    let before: number | undefined;
    let scanned = 0;
    while (items.length < limit && scanned < SCAN_LIMIT) {
      const page = await searchChain(this.db, { subjectId: idNumber, beforeSeq: before, from: q.from, to: q.to, limit: 500 });
      if (!page.length) break;
      scanned += page.length;
      before = page[page.length - 1]!.seq;
      for (const e of page) {
        if (e.subjectKind !== 'person') continue;
        const item = fromAudit(e, members, systems);
        if (q.actorKind && e.actorKind !== q.actorKind) continue;
        if (q.memberId && item.who.memberId !== q.memberId) continue;
        if (q.service && item.service !== q.service) continue;
        items.push(item);
        if (items.length >= limit) break;
      }
      if (page.length < 500) break;
    }
    // Bulk jobs that read the person (the per-person index).
    if (!q.actorKind || q.actorKind === 'partner') {
      for (const j of await bulkStore.jobsOfPerson(this.db, idNumber, limit)) {
        const at = j.started_at ?? j.created_at;
        if ((q.from && at < q.from) || (q.to && at >= q.to)) continue;
        if (q.memberId && j.member_id !== q.memberId) continue;
        if (q.service && q.service !== 'bulk_verification') continue;
        const s = systems.get(j.system_id);
        items.push({
          at: at.toISOString(), source: 'bulk_job', ref: j.id,
          who: { kind: 'partner', id: j.system_id, memberId: j.member_id, name: members.get(j.member_id)?.name ?? null, systemName: s?.name ?? null },
          action: 'exchange.bulk_verification', service: 'bulk_verification', purpose: { code: j.purpose, label: purposeLabel(j.purpose) },
          legalBasis: j.legal_basis, consentId: null, fields: j.fields.map((f) => ({ field: f, label: fieldLabel(f) })), outcome: j.status,
        });
      }
    }
    items.sort((a, b) => b.at.localeCompare(a.at));
    const watches = (await this.events.watchesOf(idNumber)).filter((w) => !q.memberId || w.member_id === q.memberId).map((w) => ({
      subscriptionId: w.subscription_id, since: w.since.toISOString(), memberId: w.member_id, memberName: w.member_name, systemName: w.system_name,
      purpose: { code: w.purpose, label: purposeLabel(w.purpose) }, topics: w.topics.map((t) => ({ field: t, label: fieldLabel(t) })), legalBasis: w.legal_basis,
    }));
    return { idNumber, items: items.slice(0, limit), followedBy: watches, truncated: scanned >= SCAN_LIMIT };
  }
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

/** The history as CSV (UTF-8 with BOM so spreadsheet programs read Vietnamese correctly). */
export function historyCsv(items: readonly AccessItem[]): string {
  const head = ['thời điểm/at', 'tổ chức/organisation', 'hệ thống/system', 'loại/kind', 'dịch vụ/service', 'hành động/action', 'mục đích/purpose', 'căn cứ/legal basis', 'trường/fields', 'kết quả/outcome', 'tham chiếu/ref'];
  const lines = items.map((i) => [i.at, i.who.name, i.who.systemName, i.who.kind, i.service, i.action, i.purpose.label?.vi ?? i.purpose.code, i.legalBasis, i.fields.map((f) => f.field).join(' '), i.outcome, `${i.source}:${i.ref}`].map(cell).join(','));
  return `\ufeff${head.join(',')}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}
