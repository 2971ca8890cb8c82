/**
 * Consent (Decree 13/2023/NĐ-CP): a citizen consents to an organisation (a member) for one purpose
 * and named fields until a date, from the portal or by approving a partner's request after signing
 * in with eID. Each consent is recorded with a receipt (who, what, purpose, when, how) signed with
 * the platform key, which the citizen can download and print. Withdrawal takes effect at once:
 * consents are read from the database on every request that rests on one, never cached.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditWriter } from '../platform/audit/index.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/http/errors.ts';
import { publish } from '../platform/events/outbox.ts';
import type { CitizenPrincipal } from '../platform/http/guard.ts';
import type { Localised } from '../platform/i18n/lang.ts';
import { nfc, toIsoPartial, vnCalendarDate, parsePartialDate } from '../vn/index.ts';
import { CARD_FIELDS, CARD_VERIFY_FIELDS, EVENT_TOPICS, fieldLabel, purposeLabel, PURPOSE_CODES, QUESTION_FIELDS, RECORD_FIELDS, VERIFY_FIELDS } from './catalogue.ts';
import type { Caller } from './entitlements.ts';
import { exchangeStore, type ConsentRequestRow, type ConsentRow, type MemberRow } from './exchange.store.ts';
import type { JwsSigner } from './signer.ts';
import './exchange.errors.ts';

export const CONSENT_FIELDS: readonly string[] = [...new Set([...RECORD_FIELDS, ...QUESTION_FIELDS, ...VERIFY_FIELDS, ...CARD_FIELDS, ...CARD_VERIFY_FIELDS, ...EVENT_TOPICS])];
/** Published when a partner asks a citizen for consent; payload `{ requestId, idNumber, organisation: { id, name }, at, pendingFromOrganisation }`. */
export const CONSENT_REQUESTED = 'exchange.consent.requested';
/** Consent can be given for at most this long (Decree 13 asks for a stated period; the cap is ours). */
export const MAX_CONSENT_YEARS = 5;

export interface ConsentInput {
  memberId: string;
  purpose: string;
  fields: string[];
  /** yyyy-mm-dd, inclusive. */
  validUntil: string;
}

export interface ConsentView {
  id: string;
  organisation: { id: string; name: string; kind: string };
  purpose: { code: string; label: Localised };
  fields: Array<{ field: string; label: Localised }>;
  grantedAt: string;
  validUntil: string;
  method: 'portal' | 'partner_request';
  requestId: string | null;
  status: 'active' | 'expired' | 'withdrawn';
  withdrawnAt: string | null;
  receiptUrl: string;
}

const REASONS = {
  none: { vi: 'chưa có sự đồng ý', en: 'there is no consent' },
  expired: { vi: 'sự đồng ý đã hết hạn', en: 'the consent has expired' },
  fields: { vi: 'sự đồng ý không bao gồm các trường được yêu cầu', en: 'the consent does not cover the requested fields' },
} as const;

const day = (clock: Clock): string => toIsoPartial(vnCalendarDate(clock.now()));

export class ConsentService {
  constructor(
    private readonly db: Kysely<any>,
    private readonly clock: Clock,
    private readonly audit: AuditWriter,
    private readonly signer: JwsSigner,
    private readonly opts: { issuer: string; requestTtlDays?: number },
  ) {}

  /**
   * The id of the person's consent to the caller's member for the purpose covering the fields,
   * valid today; otherwise a 403 naming why (none, withdrawn on a date, expired, fields not covered).
   */
  async require(caller: Pick<Caller, 'memberId' | 'memberName'>, idNumber: string, purpose: string, fields: readonly string[], today: string): Promise<string> {
    const rows = await exchangeStore.consentsFor(this.db, idNumber, caller.memberId, purpose);
    const live = rows.filter((r) => !r.withdrawn_at && r.valid_until >= today);
    const ok = live.find((r) => fields.every((f) => r.fields.includes(f)));
    if (ok) return ok.id;
    let reason: Localised = REASONS.none;
    if (live.length) reason = REASONS.fields;
    else if (rows[0]?.withdrawn_at) {
      const at = rows[0].withdrawn_at.toISOString();
      reason = { vi: `sự đồng ý ${rows[0].id} đã bị rút lại lúc ${at}`, en: `consent ${rows[0].id} was withdrawn at ${at}` };
    } else if (rows.length) reason = REASONS.expired;
    throw new AppError('EXCHANGE_CONSENT_REQUIRED', { member: caller.memberName, purpose, fields: fields.join(', '), reason });
  }

  private async validate(input: ConsentInput): Promise<MemberRow> {
    const member = await exchangeStore.member(this.db, input.memberId);
    if (!member) throw new AppError('EXCHANGE_MEMBER_NOT_FOUND', { memberId: input.memberId });
    const bad = (reason: string, field: string) => new AppError('EXCHANGE_CONSENT_INVALID', { reason }, [{ field, code: 'invalid', message: { vi: reason, en: reason } }]);
    if (!PURPOSE_CODES.includes(input.purpose)) throw bad(`unknown purpose ${input.purpose}`, 'purpose');
    const unknown = input.fields.filter((f) => !CONSENT_FIELDS.includes(f));
    if (unknown.length || !input.fields.length) throw bad(unknown.length ? `unknown fields ${unknown.join(', ')}` : 'no field named', 'fields');
    const until = parsePartialDate(input.validUntil);
    const today = day(this.clock);
    const max = `${Number(today.slice(0, 4)) + MAX_CONSENT_YEARS}${today.slice(4)}`;
    if (until?.kind !== 'full' || input.validUntil < today || input.validUntil > max) throw bad(`validUntil must be a date from ${today} to ${max}`, 'validUntil');
    return member;
  }

  /** Records a consent and its signed receipt; audited as the citizen's act. */
  async grant(citizen: Pick<CitizenPrincipal, 'idNumber' | 'accountId' | 'level'>, input: ConsentInput, how: { method: 'portal' | 'partner_request'; requestId?: string | null; requestIdHttp?: string | null }): Promise<ConsentView> {
    const member = await this.validate(input);
    const fields = [...new Set(input.fields)];
    const id = randomUUID();
    const at = this.clock.now();
    const document = {
      type: 'open06.consent-receipt', version: 1, receiptId: id, issuer: this.opts.issuer, issuedAt: at.toISOString(),
      dataSubject: { idNumber: citizen.idNumber, eidAccount: citizen.accountId, eidLevel: citizen.level },
      organisation: { id: member.id, name: member.name, kind: member.kind, code: member.code },
      purpose: { code: input.purpose, label: purposeLabel(input.purpose) },
      fields: fields.map((f) => ({ field: f, label: fieldLabel(f) })),
      grantedAt: at.toISOString(), validUntil: input.validUntil,
      method: how.method, consentRequestId: how.requestId ?? null,
      withdrawal: { vi: 'Công dân có thể rút lại sự đồng ý bất cứ lúc nào trên Cổng công dân; việc rút lại có hiệu lực ngay với mọi yêu cầu sau đó.', en: 'The citizen may withdraw this consent at any time in the citizen portal; withdrawal applies at once to every later request.' },
      law: 'Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân, Điều 11 (sự đồng ý của chủ thể dữ liệu)',
    };
    const jws = await this.signer.sign(document, 'open06-consent-receipt+jws');
    const row = await exchangeStore.insertConsent(this.db, {
      id, id_number: citizen.idNumber, member_id: member.id, purpose: input.purpose, fields, granted_at: at, valid_until: input.validUntil,
      method: how.method, request_id: how.requestId ?? null, account_id: citizen.accountId, receipt: JSON.stringify({ document, jws }),
    });
    await this.audit.append({
      at, actorKind: 'citizen', actorId: citizen.accountId, action: 'exchange.consent.grant', subjectKind: 'person', subjectId: citizen.idNumber,
      fields, purpose: input.purpose, legalBasis: `consent:${id}`, requestId: how.requestIdHttp ?? null,
      details: { member: member.id, consent: id, method: how.method, validUntil: input.validUntil, consentRequest: how.requestId ?? null },
    });
    return this.view(row, member);
  }

  view(r: ConsentRow, member: Pick<MemberRow, 'id' | 'name' | 'kind'>): ConsentView {
    const today = day(this.clock);
    return {
      id: r.id, organisation: { id: member.id, name: member.name, kind: member.kind },
      purpose: { code: r.purpose, label: purposeLabel(r.purpose) },
      fields: r.fields.map((f) => ({ field: f, label: fieldLabel(f) })),
      grantedAt: r.granted_at.toISOString(), validUntil: r.valid_until, method: r.method, requestId: r.request_id,
      status: r.withdrawn_at ? 'withdrawn' : r.valid_until < today ? 'expired' : 'active',
      withdrawnAt: r.withdrawn_at ? r.withdrawn_at.toISOString() : null,
      receiptUrl: `/api/v1/exchange/me/consents/${r.id}/receipt`,
    };
  }

  private async members(): Promise<Map<string, MemberRow>> {
    return new Map((await exchangeStore.members(this.db)).map((m) => [m.id, m]));
  }

  async list(idNumber: string): Promise<ConsentView[]> {
    const [rows, members] = await Promise.all([exchangeStore.consentsOf(this.db, idNumber), this.members()]);
    return rows.map((r) => this.view(r, members.get(r.member_id) ?? { id: r.member_id, name: r.member_id, kind: 'other' }));
  }

  async receipt(idNumber: string, id: string): Promise<{ document: Record<string, unknown>; jws: string; status: ConsentView['status']; withdrawnAt: string | null }> {
    const r = await exchangeStore.consent(this.db, idNumber, id);
    if (!r) throw new AppError('EXCHANGE_CONSENT_NOT_FOUND', { consentId: id });
    const v = this.view(r, { id: r.member_id, name: '', kind: 'other' });
    return { ...r.receipt, status: v.status, withdrawnAt: v.withdrawnAt };
  }

  /** Withdraws at once: every later request resting on this consent is refused. */
  async withdraw(citizen: Pick<CitizenPrincipal, 'idNumber' | 'accountId'>, id: string, requestId: string | null): Promise<ConsentView> {
    const at = this.clock.now();
    const row = await exchangeStore.withdrawConsent(this.db, citizen.idNumber, id, at);
    if (!row) {
      const existing = await exchangeStore.consent(this.db, citizen.idNumber, id);
      if (!existing) throw new AppError('EXCHANGE_CONSENT_NOT_FOUND', { consentId: id });
      const m = await exchangeStore.member(this.db, existing.member_id);
      return this.view(existing, m ?? { id: existing.member_id, name: existing.member_id, kind: 'other' });
    }
    await this.audit.append({
      at, actorKind: 'citizen', actorId: citizen.accountId, action: 'exchange.consent.withdraw', subjectKind: 'person', subjectId: citizen.idNumber,
      fields: row.fields, purpose: row.purpose, legalBasis: `consent:${id}`, requestId, details: { member: row.member_id, consent: id },
    });
    const m = await exchangeStore.member(this.db, row.member_id);
    return this.view(row, m ?? { id: row.member_id, name: row.member_id, kind: 'other' });
  }

  // ---- a partner asks, the citizen approves ------------------------------------------------------

  requestView(r: ConsentRequestRow, member?: Pick<MemberRow, 'id' | 'name' | 'kind'>) {
    const expired = r.status === 'pending' && r.expires_at.getTime() <= this.clock.now().getTime();
    return {
      id: r.id, idNumber: r.id_number, organisation: member ? { id: member.id, name: member.name, kind: member.kind } : { id: r.member_id },
      purpose: { code: r.purpose, label: purposeLabel(r.purpose) }, fields: r.fields.map((f) => ({ field: f, label: fieldLabel(f) })),
      validUntil: r.valid_until, message: r.message, status: expired ? 'expired' as const : r.status,
      createdAt: r.created_at.toISOString(), expiresAt: r.expires_at.toISOString(), decidedAt: r.decided_at?.toISOString() ?? null, consentId: r.consent_id,
    };
  }

  /**
   * A partner asks a citizen for consent. Accepted whether or not the ID number exists (the answer
   * discloses nothing); the citizen sees it after signing in. Not a read of the person's data.
   * `exchange.consent.requested` is published in the same transaction: the eID accounts tell the
   * citizen by SMS, later and apart from this request (docs/events.md).
   */
  async request(caller: Caller, b: { idNumber: string; purpose: string; fields: string[]; validUntil: string; message?: string }) {
    await this.validate({ memberId: caller.memberId, purpose: b.purpose, fields: b.fields, validUntil: b.validUntil });
    const at = this.clock.now();
    const row = await this.db.transaction().execute(async (trx) => {
      const r = await exchangeStore.insertConsentRequest(trx, {
        id_number: b.idNumber, member_id: caller.memberId, system_id: caller.systemId, purpose: b.purpose, fields: [...new Set(b.fields)], valid_until: b.validUntil,
        message: b.message ? nfc(b.message) : null, created_at: at, expires_at: new Date(at.getTime() + (this.opts.requestTtlDays ?? 30) * 86_400_000),
      });
      const pending = await exchangeStore.pendingRequestsSince(trx, b.idNumber, caller.memberId, new Date(at.getTime() - 86_400_000));
      await publish(trx, [{ topic: CONSENT_REQUESTED, key: b.idNumber, payload: { requestId: r.id, idNumber: b.idNumber, organisation: { id: caller.memberId, name: caller.memberName }, at: at.toISOString(), pendingFromOrganisation: pending } }]);
      return r;
    });
    return this.requestView(row);
  }

  async requestForCaller(caller: Caller, id: string) {
    const r = await exchangeStore.consentRequest(this.db, id);
    if (!r || r.member_id !== caller.memberId) throw new AppError('EXCHANGE_CONSENT_REQUEST_NOT_FOUND', { requestId: id });
    return this.requestView(r);
  }

  async requestsFor(idNumber: string) {
    const [rows, members] = await Promise.all([exchangeStore.consentRequestsOf(this.db, idNumber), this.members()]);
    return rows.map((r) => this.requestView(r, members.get(r.member_id)));
  }

  /** The citizen approves (a consent with a receipt is recorded) or declines a pending request. */
  async decide(citizen: Pick<CitizenPrincipal, 'idNumber' | 'accountId' | 'level'>, id: string, decision: 'approve' | 'decline', requestIdHttp: string | null) {
    const r = await exchangeStore.consentRequest(this.db, id);
    if (!r || r.id_number !== citizen.idNumber) throw new AppError('EXCHANGE_CONSENT_REQUEST_NOT_FOUND', { requestId: id });
    const v = this.requestView(r);
    if (v.status !== 'pending') throw new AppError('EXCHANGE_CONSENT_REQUEST_DECIDED', { requestId: id, status: v.status });
    let consent: ConsentView | null = null;
    if (decision === 'approve') consent = await this.grant(citizen, { memberId: r.member_id, purpose: r.purpose, fields: r.fields, validUntil: r.valid_until }, { method: 'partner_request', requestId: r.id, requestIdHttp });
    const decided = await this.db.transaction().execute(async (trx) => {
      const locked = await exchangeStore.lockConsentRequest(trx, id);
      if (!locked || locked.status !== 'pending') return false;
      await exchangeStore.decideConsentRequest(trx, id, decision === 'approve' ? 'approved' : 'declined', this.clock.now(), consent?.id ?? null);
      return true;
    });
    if (!decided) {
      // Decided concurrently: undo the consent just made so that one decision stands.
      if (consent) await exchangeStore.withdrawConsent(this.db, citizen.idNumber, consent.id, this.clock.now());
      throw new AppError('EXCHANGE_CONSENT_REQUEST_DECIDED', { requestId: id, status: 'decided' });
    }
    if (decision === 'decline') {
      await this.audit.append({ at: this.clock.now(), actorKind: 'citizen', actorId: citizen.accountId, action: 'exchange.consent.decline', subjectKind: 'person', subjectId: citizen.idNumber, fields: r.fields, purpose: r.purpose, requestId: requestIdHttp, details: { member: r.member_id, consentRequest: r.id } });
    }
    const members = await this.members();
    return { request: this.requestView((await exchangeStore.consentRequest(this.db, id))!, members.get(r.member_id)), consent };
  }
}

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The receipt as a printable page in Vietnamese with English (Decree 13: a form that can be printed). */
export function receiptHtml(r: { document: Record<string, any>; jws: string; status: string; withdrawnAt: string | null }): string {
  const d = r.document;
  const row = (vi: string, en: string, v: string) => `<tr><th>${esc(vi)}<br><small>${esc(en)}</small></th><td>${v}</td></tr>`;
  const fields = (d.fields as Array<{ field: string; label: Localised }>).map((f) => `<li>${esc(f.label.vi)} <small>(${esc(f.label.en)})</small></li>`).join('');
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Biên nhận sự đồng ý ${esc(d.receiptId)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}th{text-align:left;vertical-align:top;padding:.4rem 1rem .4rem 0;width:14rem}td{padding:.4rem 0}small{color:#555}code{word-break:break-all;font-size:.7rem}</style></head><body>
<h1>Biên nhận sự đồng ý xử lý dữ liệu cá nhân<br><small>Consent receipt</small></h1>
<table>
${row('Mã biên nhận', 'Receipt', esc(d.receiptId))}
${row('Chủ thể dữ liệu', 'Data subject', `${esc(d.dataSubject?.idNumber)} (tài khoản định danh điện tử mức ${esc(d.dataSubject?.eidLevel)})`)}
${row('Tổ chức được đồng ý', 'Organisation', `${esc(d.organisation?.name)} (${esc(d.organisation?.kind)})`)}
${row('Mục đích', 'Purpose', `${esc(d.purpose?.label?.vi)}<br><small>${esc(d.purpose?.label?.en)}</small>`)}
${row('Dữ liệu', 'Data', `<ul>${fields}</ul>`)}
${row('Thời điểm đồng ý', 'Given at', esc(d.grantedAt))}
${row('Có hiệu lực đến hết ngày', 'Valid until', esc(d.validUntil))}
${row('Cách thức', 'How', d.method === 'portal' ? 'Trên Cổng công dân / in the citizen portal' : `Phê duyệt yêu cầu ${esc(d.consentRequestId)} của tổ chức / approval of the organisation's request`)}
${row('Tình trạng', 'Status', r.withdrawnAt ? `Đã rút lại lúc ${esc(r.withdrawnAt)} / withdrawn` : esc(r.status))}
${row('Căn cứ', 'Law', esc(d.law))}
</table>
<p>${esc(d.withdrawal?.vi)}<br><small>${esc(d.withdrawal?.en)}</small></p>
<p><small>Chữ ký số của nền tảng (JWS, khoá công khai tại /oidc/jwks) / Platform signature:</small><br><code>${esc(r.jws)}</code></p>
</body></html>`;
}
