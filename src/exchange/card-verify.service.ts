/**
 * Card verification for partner systems: the card a citizen presents — its printed QR code, its
 * MRZ, or its chip as an NFC reader read it — checked by the cards module's verification (the one
 * officers use), behind the same gate as the other partner services (rate limit, a
 * `card_verification` grant whose field scope is the way of presenting, consent, quota). The
 * answer holds the verdict of each check and whether the card is valid in the registry today;
 * nothing else from the registry (a chip's card status is only `pass`, `card_not_valid` or
 * `card_unknown`). Each call is audited under the person the card names, refusals included.
 */
import { AppError } from '../platform/http/errors.ts';
import type { Clock } from '../platform/clock.ts';
import type { AuditWriter } from '../platform/audit/index.ts';
import {
  decodeDg1, parseVnMrz, readCardMrz, readCardQr, summarise,
  type CardVerification, type CardsService, type FieldResult, type PaCheck, type Verdicts,
} from '../cards/index.ts';
import type { CardVerifyField } from './catalogue.ts';
import type { Caller } from './entitlements.ts';
import { basisText, type Gate, type PartnerService } from './partner.service.ts';
import type { UsageMeter } from './quota.ts';
import './exchange.errors.ts';

export type CardMethod = 'qr' | 'mrz' | 'chip';

export interface FieldsAnswer<F extends string> {
  method: 'qr' | 'mrz';
  idNumber: string;
  checkedAt: string;
  /** The person was found, no presented field differs and the card is valid. */
  ok: boolean;
  person: 'found' | 'not_found';
  fields: Record<F, FieldResult>;
  cardValid: boolean;
}

export interface ChipCheck {
  check: PaCheck['check'];
  dataGroup?: number;
  outcome: string;
  detail?: string;
}

export interface ChipAnswer {
  method: 'chip';
  idNumber: string;
  checkedAt: string;
  /** No check failed. */
  ok: boolean;
  checks: ChipCheck[];
  failures: string[];
  cardValid: boolean;
}

export interface ChipInput {
  purpose: string;
  sod: Buffer;
  dataGroups: ReadonlyMap<number, Buffer>;
}

const NOT_FAILURES = new Set(['pass', 'not_checked', 'not_presented']);

/**
 * A passive-authentication check as a partner sees it: the card's registry status is reduced to
 * valid or not (`card_not_valid`), so the answer says no more than whether the card is valid.
 */
export function partnerCheck(c: PaCheck): ChipCheck {
  if (c.check !== 'card_status') return { ...c };
  const outcome = c.outcome === 'pass' || c.outcome === 'not_checked' || c.outcome === 'card_unknown' ? c.outcome : 'card_not_valid';
  return { check: c.check, outcome };
}

const DG1_UNREADABLE = {
  absent: { vi: 'thiếu DG1', en: 'DG1 is missing' },
  layout: { vi: 'DG1 không chứa vùng MRZ của thẻ căn cước Việt Nam', en: 'DG1 does not hold a Vietnamese ID card MRZ' },
  encoding: { vi: 'DG1 không giải mã được', en: 'DG1 cannot be decoded' },
} as const;

/** The ID number DG1 names; 400 naming `dataGroups.DG1` when it does not hold a Vietnamese card MRZ. */
export function idNumberOfDg1(dg1: Buffer | undefined): string {
  let reason: (typeof DG1_UNREADABLE)[keyof typeof DG1_UNREADABLE] = DG1_UNREADABLE.absent;
  if (dg1) {
    try {
      const mrz = parseVnMrz(decodeDg1(dg1));
      if (mrz.ok) return mrz.value.idNumber;
      reason = DG1_UNREADABLE.layout;
    } catch {
      reason = DG1_UNREADABLE.encoding;
    }
  }
  throw new AppError('EXCHANGE_CHIP_UNREADABLE', { reason }, [{ field: 'dataGroups.DG1', code: 'unreadable', message: reason }]);
}

export class CardVerifyService {
  constructor(private readonly d: { clock: Clock; audit: AuditWriter; meter: UsageMeter; partner: PartnerService; verification: CardVerification; cards: CardsService }) {}

  /** The QR payload as scanned. Malformed → 400 `CARDS_QR_MALFORMED` before any read. */
  async qr(caller: Caller, b: { payload: string; purpose: string }, requestId: string | null) {
    const q = readCardQr(b.payload);
    const g = await this.gate(caller, 'card.qr', b.purpose, q.idNumber, requestId);
    const at = this.d.clock.now();
    return this.fieldsAnswer(caller, 'qr', q.idNumber, b.purpose, g, await this.d.verification.compareQr(q, at), at, requestId);
  }

  /** The MRZ as scanned. Malformed → 400 `CARDS_MRZ_MALFORMED` before any read. */
  async mrz(caller: Caller, b: { mrz: string; purpose: string }, requestId: string | null) {
    const m = readCardMrz(b.mrz);
    const g = await this.gate(caller, 'card.mrz', b.purpose, m.idNumber, requestId);
    const at = this.d.clock.now();
    return this.fieldsAnswer(caller, 'mrz', m.idNumber, b.purpose, g, await this.d.verification.compareMrz(m, at), at, requestId);
  }

  /** Passive authentication of the chip as read, then the card's status; audited under the person DG1 names. */
  async chip(caller: Caller, b: ChipInput, requestId: string | null): Promise<ChipAnswer> {
    const idNumber = idNumberOfDg1(b.dataGroups.get(1));
    const g = await this.gate(caller, 'card.chip', b.purpose, idNumber, requestId);
    const at = this.d.clock.now();
    const report = await this.d.cards.verifyChip({ sod: b.sod, dataGroups: b.dataGroups, at });
    const checks = report.checks.map(partnerCheck);
    const failures = checks.filter((c) => !NOT_FAILURES.has(c.outcome)).map((c) => (c.dataGroup === undefined ? c.outcome : `${c.outcome}: DG${c.dataGroup}`));
    const cardValid = checks.some((c) => c.check === 'card_status' && c.outcome === 'pass');
    await this.d.audit.append(this.d.partner.entry(caller, 'card_verification', idNumber, {
      purpose: b.purpose, legalBasis: basisText(g.grant, g.consentId), fields: ['card.chip', 'cardValid'], requestId,
      outcome: report.ok ? 'pass' : 'fail', grantId: g.grant.id, consentId: g.consentId,
      extra: { method: 'chip', failures, dataGroups: [...b.dataGroups.keys()].sort((x, y) => x - y) },
    }));
    this.d.meter.record(caller.systemId, 'card_verification', { calls: 1, people: 1 });
    return { method: 'chip', idNumber, checkedAt: at.toISOString(), ok: failures.length === 0, checks, failures, cardValid };
  }

  private gate(caller: Caller, field: CardVerifyField, purpose: string, idNumber: string, requestId: string | null): Promise<Gate> {
    return this.d.partner.gate(caller, 'card_verification', purpose, [field], { idNumber, requestId });
  }

  private async fieldsAnswer<F extends string>(caller: Caller, method: 'qr' | 'mrz', idNumber: string, purpose: string, g: Gate, v: Verdicts<F>, at: Date, requestId: string | null): Promise<FieldsAnswer<F>> {
    const { ok, outcome, compared, mismatched } = summarise(v);
    const found = v.person === 'found';
    await this.d.audit.append(this.d.partner.entry(caller, 'card_verification', idNumber, {
      purpose, legalBasis: basisText(g.grant, g.consentId), fields: found ? [`card.${method}`, ...compared, 'cardValid'] : [], requestId,
      outcome, grantId: g.grant.id, consentId: g.consentId, extra: { method, mismatched },
    }));
    this.d.meter.record(caller.systemId, 'card_verification', { calls: 1, people: found ? 1 : 0 });
    return { method, idNumber, checkedAt: at.toISOString(), ok, person: v.person, fields: v.fields, cardValid: v.card.status === 'valid' };
  }
}
