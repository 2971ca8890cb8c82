import type { Kysely } from 'kysely';
import { cardsStore } from './cards.store.ts';
import { effectiveStatus, type CardStatus } from './card-lifecycle.ts';
import { registryStore } from '../registry/registry.store.ts';
import { residenceText, birthDateOf } from './cards.service.ts';
import { formatCardQr } from './qr.ts';
export { cardsModule, cardsServices, type CardsModuleOptions } from './cards.routes.ts';
export { CardVerification, readCardQr, readCardMrz, summarise, type QrVerification, type MrzVerification, type ChipVerification, type FieldResult, type Verifier, type Verdicts, type QrCompared, type MrzCompared } from './cards.verify.ts';
export { CardsService, type CardsContext, type CardView, type IssueInput, type StatusInput } from './cards.service.ts';
export { DEATH_CONSUMER, revokeCardsOfDeceased } from './cards.consumer.ts';
export { CARD_TOPIC, CARD_STATUSES, ISSUE_KINDS, type CardStatus, type IssueKind } from './card-lifecycle.ts';
export { cardExpiry, validityOn, RENEWAL_AGES, type CardExpiry, type CardValidity } from './validity.ts';
export { parseCardQr, formatCardQr, type CardQr, type QrError, type QrParseResult } from './qr.ts';
export { parseVnMrz, formatVnMrz, parseTd1, formatTd1, checkDigit, type VnMrz, type MrzError, type MrzResult } from './mrz.ts';
export { createPassiveAuthenticator, type PaReport, type PaCheck, type PaInput, type CardStatusLookup, type ChipReference } from './passive-auth.ts';
export { personaliseChip, type ChipImage } from './chip.ts';
export { decodeDg1, decodeDg13, decodeDg2Image, DG13_FIELD } from './lds.ts';
export { createCsca, createDocumentSigner, toPem, fromPem, type Signer } from './pki.ts';
export { cardFacts, cardFactsOf, type CardFacts } from './cards.facts.ts';

/**
 * The status today of each of a person's cards issued on `issueDate` (yyyy-mm-dd), newest first:
 * the eID module checks the card issue date an applicant states. No officer check: the answer is
 * only compared with what the applicant stated, never shown to them.
 */
export async function cardStatusesIssuedOn(db: Kysely<any>, idNumber: string, issueDate: string, today: string): Promise<CardStatus[]> {
  return (await cardsStore.cards(db, idNumber)).filter((c) => c.issue_date === issueDate).map((c) => effectiveStatus(c.status, c.expiry_date, today));
}

/**
 * A person's cards for the person themself (the citizen portal): status today, dates, and for a
 * card still valid the QR payload printed on it.
 */
export async function cardsOfHolder(db: Kysely<any>, idNumber: string, today: string): Promise<Array<{ cardNo: number; issueKind: string; status: CardStatus; issueDate: string; expiryDate: string | null; qr: string | null }>> {
  const cards = await cardsStore.cards(db, idNumber);
  if (!cards.length) return [];
  const person = await registryStore.person(db, idNumber);
  return cards.map((c) => {
    const status = effectiveStatus(c.status, c.expiry_date, today);
    const [y, m, d] = c.issue_date.split('-').map(Number) as [number, number, number];
    const residence = person ? residenceText(person) : null;
    const qr = status === 'valid' && person && residence
      ? formatCardQr({ idNumber, oldIdNumber: null, fullName: person.full_name, birthDate: birthDateOf(person), sex: person.sex, address: residence, issueDate: { kind: 'full', year: y, month: m, day: d }, extra: [] })
      : null;
    return { cardNo: c.card_no, issueKind: c.issue_kind, status, issueDate: c.issue_date, expiryDate: c.expiry_date, qr };
  });
}
