/**
 * A synthetic holder and a test PKI, for tests, benchmarks and demos. Everything is labelled as
 * synthetic (names, certificate subjects); the keys come from a seed, so they are not secret and
 * must never sign a real card.
 */
import type { ChipCardDates, ChipHolder } from './cards.types.ts';
import { createCsca, createDocumentSigner, type PkiPeriods, type Signer } from './pki.ts';
import { seededRandom } from './random.ts';

export const SYNTHETIC_HOLDER: ChipHolder = {
  idNumber: '001090012345',
  fullName: 'Nguyễn Văn A',
  birthDate: { kind: 'full', year: 1990, month: 1, day: 1 },
  sex: 'male',
  nationality: 'Việt Nam',
  ethnicity: 'Kinh',
  religion: 'Không',
  placeOfOrigin: 'Xã Đông Anh, Thành phố Hà Nội',
  residence: 'Số 1 Phố Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội',
  identifyingMarks: 'Nốt ruồi C:2cm trên sau đuôi mắt phải',
  fatherName: 'Nguyễn Văn B',
  motherName: 'Trần Thị C',
  spouseName: null,
  oldIdNumber: '123456789',
};

/** Issued 10/02/2026 at 36: valid until the 40th birthday (Law 26/2023 Art. 24). */
export const SYNTHETIC_CARD: ChipCardDates = {
  issueDate: { kind: 'full', year: 2026, month: 2, day: 10 },
  expiry: { kind: 'on', date: { kind: 'full', year: 2030, month: 1, day: 1 } },
};

export const TEST_CSCA_NOT_BEFORE = new Date('2026-01-01T00:00:00Z');
export const TEST_DS_NOT_BEFORE = new Date('2026-02-01T00:00:00Z');

/** A CSCA and one Document Signer from a seed. */
export function testPki(seed = 'open06-test-pki', opts: { country?: string; periods?: Partial<PkiPeriods>; dsPeriods?: Partial<PkiPeriods>; cscaNotBefore?: Date; dsNotBefore?: Date } = {}): { csca: Signer; ds: Signer } {
  const random = seededRandom(seed);
  const country = opts.country ?? 'VN';
  const csca = createCsca({ subject: { country, organization: 'Open06 (synthetic)', commonName: `Open06 TEST CSCA ${country}` }, notBefore: opts.cscaNotBefore ?? TEST_CSCA_NOT_BEFORE, random, ...(opts.periods ? { periods: opts.periods } : {}) });
  const dsPeriods = opts.dsPeriods ?? opts.periods;
  const ds = createDocumentSigner(csca, { subject: { country, organization: 'Open06 (synthetic)', commonName: `Open06 TEST Document Signer ${country}` }, notBefore: opts.dsNotBefore ?? TEST_DS_NOT_BEFORE, random, ...(dsPeriods ? { periods: dsPeriods } : {}) });
  return { csca, ds };
}
