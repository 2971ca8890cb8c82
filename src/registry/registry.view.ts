import { currentUnitOfOldCommune, getCommune2025, getOldCommune, getOldProvince, getProvince2025 } from '../vn/index.ts';
import type { Role } from '../platform/auth/actor.ts';
import type { PersonRow } from './registry.types.ts';

export interface AddressView {
  address: string;
  provinceCode: string | null;
  provinceName: string | null;
  communeCode: string | null;
  communeName: string | null;
  /** For an address recorded before 1 July 2025: the units it was recorded with. */
  recordedWith?: { provinceCode: string; provinceName: string | null; districtCode: string | null; communeCode: string; communeName: string | null } | null;
}

export function addressView(address: string | null, provinceCode: string | null, communeCode: string | null, old?: { province: string | null; district: string | null; commune: string | null }): AddressView | null {
  if (!address && !communeCode) return null;
  let recordedWith: AddressView['recordedWith'] = null;
  if (old?.commune) {
    const oc = getOldCommune(old.commune);
    const op = old.province ? getOldProvince(old.province) : undefined;
    recordedWith = { provinceCode: old.province ?? oc?.provinceCode ?? '', provinceName: op?.name ?? null, districtCode: old.district, communeCode: old.commune, communeName: oc?.name ?? null };
    if (!communeCode) {
      const now = currentUnitOfOldCommune(old.commune)[0];
      if (now) { communeCode = now.commune.code; provinceCode = now.province.code; }
    }
  }
  return {
    address: address ?? '',
    provinceCode,
    provinceName: provinceCode ? getProvince2025(provinceCode)?.name ?? null : null,
    communeCode,
    communeName: communeCode ? getCommune2025(communeCode)?.name ?? null : null,
    ...(recordedWith ? { recordedWith } : {}),
  };
}

export function birthDateIso(r: Pick<PersonRow, 'birth_year' | 'birth_month' | 'birth_day'>): string {
  const y = String(r.birth_year).padStart(4, '0');
  if (r.birth_month === null) return y;
  const m = String(r.birth_month).padStart(2, '0');
  return r.birth_day === null ? `${y}-${m}` : `${y}-${m}-${String(r.birth_day).padStart(2, '0')}`;
}

/** What a search result shows to every officer allowed to search. */
export function summaryView(r: PersonRow) {
  return {
    idNumber: r.id_number,
    fullName: r.full_name,
    sex: r.sex,
    birthDate: birthDateIso(r),
    status: r.status,
    permanentResidence: addressView(null, r.perm_province_code, r.perm_commune_code),
    synthetic: r.synthetic,
  };
}

/** Field groups of the full record, and which roles may read each. */
export const FIELD_GROUPS = {
  identity: ['idNumber', 'fullName', 'otherNames', 'sex', 'birthDate', 'status', 'deathDate', 'nationality', 'synthetic'],
  origin: ['birthRegistration', 'origin', 'ethnicity', 'religion'],
  family: ['maritalStatus', 'fatherId', 'motherId', 'spouseId'],
  residence: ['permanentResidence', 'temporaryResidence', 'currentResidence', 'household'],
} as const;
export type FieldGroup = keyof typeof FIELD_GROUPS;

export const ROLE_GROUPS: Record<Role, readonly FieldGroup[]> = {
  registrar: ['identity', 'origin', 'family', 'residence'],
  supervisor: ['identity', 'origin', 'family', 'residence'],
  card_officer: ['identity', 'origin', 'family', 'residence'],
  service_officer: ['identity', 'residence'],
  auditor: [],
  admin: [],
};

export function groupsFor(roles: readonly Role[]): FieldGroup[] {
  return [...new Set(roles.flatMap((r) => ROLE_GROUPS[r]))];
}

export function fullView(r: PersonRow, groups: readonly FieldGroup[]) {
  const all = {
    idNumber: r.id_number,
    fullName: r.full_name,
    otherNames: r.other_names,
    sex: r.sex,
    birthDate: birthDateIso(r),
    status: r.status,
    deathDate: r.death_date,
    nationality: r.nationality,
    synthetic: r.synthetic,
    birthRegistration: addressView(null, r.birth_reg_province_code, r.birth_reg_commune_code),
    origin: addressView(null, r.origin_province_code, r.origin_commune_code),
    ethnicity: r.ethnicity_code,
    religion: r.religion,
    maritalStatus: r.marital_status,
    fatherId: r.father_id,
    motherId: r.mother_id,
    spouseId: r.spouse_id,
    permanentResidence: addressView(r.perm_address, r.perm_province_code, r.perm_commune_code, { province: r.perm_old_province_code, district: r.perm_old_district_code, commune: r.perm_old_commune_code }),
    temporaryResidence: r.temp_address || r.temp_commune_code ? { ...addressView(r.temp_address, r.temp_province_code, r.temp_commune_code)!, until: r.temp_until } : null,
    currentResidence: addressView(r.cur_address, r.cur_province_code, r.cur_commune_code),
    household: r.household_no ? { householdNo: r.household_no, relationToHead: r.relation_to_head } : null,
  };
  const { keys, fields } = visible(groups);
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = all[k as keyof typeof all];
  return { record: out, fields };
}

const visibleByGroups = new Map<string, { keys: readonly string[]; fields: readonly string[] }>();

/**
 * The fields some groups may read, worked out once per combination of groups (every full read
 * asks): `fields` in the groups' order (as the audit entry names them), `keys` in the record's.
 */
function visible(groups: readonly FieldGroup[]): { keys: readonly string[]; fields: readonly string[] } {
  const id = groups.join(' ');
  let v = visibleByGroups.get(id);
  if (!v) {
    const set = new Set(groups.flatMap((g) => FIELD_GROUPS[g] as readonly string[]));
    const inRecordOrder = (Object.values(FIELD_GROUPS) as ReadonlyArray<readonly string[]>).flat();
    v = { keys: Object.freeze(inRecordOrder.filter((k) => set.has(k))), fields: Object.freeze([...set]) };
    visibleByGroups.set(id, v);
  }
  return v;
}

/** The units a person belongs to for jurisdiction: permanent, temporary and current residence. */
export function unitsOf(r: PersonRow): Array<{ provinceCode: string; communeCode: string | null }> {
  const out: Array<{ provinceCode: string; communeCode: string | null }> = [];
  if (r.perm_province_code) out.push({ provinceCode: r.perm_province_code, communeCode: r.perm_commune_code });
  if (r.temp_province_code) out.push({ provinceCode: r.temp_province_code, communeCode: r.temp_commune_code });
  if (r.cur_province_code) out.push({ provinceCode: r.cur_province_code, communeCode: r.cur_commune_code });
  if (!out.length) out.push({ provinceCode: r.birth_reg_province_code, communeCode: r.birth_reg_commune_code });
  return out;
}
