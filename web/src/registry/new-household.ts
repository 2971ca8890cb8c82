import type { AddressView } from './registry.types.ts';

/**
 * What the person page hands to the household form, in memory: the head's permanent address as
 * the likely address of the new household; and the number of a household just created, so that
 * its page says so. Read during render (twice in development) and forgotten once used.
 */
type Residence = { address: string; provinceCode: string; communeCode: string };

const offers = new Map<string, Residence>();
const created = new Set<string>();

export function offerHouseholdAddress(headId: string, at: AddressView | null | undefined): void {
  // Only an address with 2025 units can fill the unit selects.
  if (at?.provinceCode && at.communeCode && !at.recordedWith) offers.set(headId, { address: at.address, provinceCode: at.provinceCode, communeCode: at.communeCode });
  else offers.delete(headId);
}

export const offeredHouseholdAddress = (headId: string): Residence | null => offers.get(headId) ?? null;

export function householdCreated(headId: string | null, householdNo: string): void {
  if (headId) offers.delete(headId);
  created.add(householdNo);
}

export const wasJustCreated = (householdNo: string): boolean => created.has(householdNo);

export function forgetJustCreated(householdNo: string): void {
  created.delete(householdNo);
}
