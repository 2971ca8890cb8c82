/** Personalising a chip: the data groups for a holder and card, and the SOD that signs them. */
import { formatVnMrz } from './mrz.ts';
import { encodeDg1, encodeDg13, syntheticDg2 } from './lds.ts';
import { createSod } from './sod.ts';
import type { Signer } from './pki.ts';
import type { ChipCardDates, ChipHolder } from './cards.types.ts';

export interface ChipImage {
  /** Data group number → the whole elementary file. */
  dataGroups: ReadonlyMap<number, Buffer>;
  sod: Buffer;
  mrz: readonly [string, string, string];
}

/**
 * DG1 (MRZ), DG2 (the face: the synthetic placeholder unless a JPEG portrait is given) and DG13,
 * signed by the Document Signer at `signingTime`.
 */
export function personaliseChip(holder: ChipHolder, card: ChipCardDates, signer: Signer, opts: { signingTime: Date; dg2?: Buffer }): ChipImage {
  const mrz = formatVnMrz({ idNumber: holder.idNumber, fullName: holder.fullName, birthDate: holder.birthDate, sex: holder.sex, expiry: card.expiry });
  const dataGroups = new Map<number, Buffer>([
    [1, encodeDg1(mrz)],
    [2, opts.dg2 ?? syntheticDg2(holder.idNumber, holder.sex)],
    [13, encodeDg13(holder, card)],
  ]);
  return { dataGroups, sod: createSod(dataGroups, signer, { signingTime: opts.signingTime }), mrz };
}
