import { AppError } from '../http/errors.ts';

export const ROLES = ['registrar', 'card_officer', 'service_officer', 'supervisor', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A unit of the 2025 administrative map. A null province means the whole country. */
export interface Jurisdiction {
  provinceCode: string | null;
  communeCode: string | null;
}

export interface OfficerActor {
  kind: 'officer';
  id: string;
  username: string;
  displayName: string;
  roles: readonly Role[];
  jurisdiction: Jurisdiction;
}

export function hasRole(actor: OfficerActor, roles: readonly Role[]): boolean {
  return actor.roles.some((r) => roles.includes(r));
}

export function assertRole(actor: OfficerActor, roles: readonly Role[]): void {
  if (!hasRole(actor, roles)) throw new AppError('FORBIDDEN_ROLE', { roles: actor.roles.join(', '), required: roles.join(', ') });
}

/** Whether an officer's jurisdiction covers a unit (a province, or a commune within one). */
export function covers(j: Jurisdiction, unit: { provinceCode: string; communeCode?: string | null }): boolean {
  if (j.provinceCode === null) return true;
  if (j.provinceCode !== unit.provinceCode) return false;
  return j.communeCode === null || j.communeCode === (unit.communeCode ?? null);
}

export function describeUnit(u: { provinceCode: string | null; communeCode?: string | null }): string {
  if (u.provinceCode === null) return 'toàn quốc / nationwide';
  return u.communeCode ? `tỉnh ${u.provinceCode}, xã ${u.communeCode}` : `tỉnh ${u.provinceCode}`;
}

/** Passes if any of the subject's units is in the officer's jurisdiction (e.g. permanent or temporary residence). */
export function assertJurisdiction(actor: OfficerActor, units: ReadonlyArray<{ provinceCode: string; communeCode?: string | null }>): void {
  if (units.some((u) => covers(actor.jurisdiction, u))) return;
  throw new AppError('FORBIDDEN_JURISDICTION', {
    yours: describeUnit(actor.jurisdiction),
    theirs: units.length ? units.map(describeUnit).join('; ') : 'không xác định / unknown',
  });
}
