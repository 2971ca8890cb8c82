import type { FullDate, PartialDate, Sex } from '../vn/index.ts';
import type { MrzExpiry } from './mrz.ts';

/** What the chip says about its holder (DG1, DG2, DG13). Text fields as displayed, Vietnamese, NFC. */
export interface ChipHolder {
  idNumber: string;
  fullName: string;
  birthDate: PartialDate;
  sex: Sex;
  nationality: string;
  ethnicity: string;
  religion: string;
  placeOfOrigin: string;
  residence: string;
  identifyingMarks?: string | null;
  fatherName?: string | null;
  motherName?: string | null;
  spouseName?: string | null;
  oldIdNumber?: string | null;
}

/** The dates of one card. */
export interface ChipCardDates {
  issueDate: FullDate;
  expiry: MrzExpiry;
}
