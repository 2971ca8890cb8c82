/**
 * Which registry fields each scope releases, and how they are written as claims. The consent
 * screen lists these labels, so what the citizen approves is exactly what leaves.
 */
import type { PersonRecord, AddressView } from '../../registry/index.ts';
import { splitFullName } from '../../vn/index.ts';

export const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'family_name', 'middle_name', 'given_name', 'birthdate', 'gender'],
  id_number: ['id_number'],
  residence: ['residence'],
  household: ['household'],
  phone: ['phone_number', 'phone_number_verified'],
} as const;
export type ClaimScope = keyof typeof SCOPE_CLAIMS;
export const CLAIM_SCOPES = Object.keys(SCOPE_CLAIMS) as ClaimScope[];

export const SCOPE_LABELS: Record<Exclude<ClaimScope, 'openid'> | 'offline_access', { vi: string; en: string }> = {
  profile: { vi: 'Họ tên, ngày sinh, giới tính', en: 'Full name, date of birth, sex' },
  id_number: { vi: 'Số định danh cá nhân', en: 'Personal ID number' },
  residence: { vi: 'Nơi thường trú, tạm trú, nơi ở hiện tại', en: 'Permanent, temporary and current residence' },
  household: { vi: 'Số hộ và quan hệ với chủ hộ', en: 'Household number and relation to the head' },
  phone: { vi: 'Số điện thoại đã xác thực', en: 'Verified phone number' },
  offline_access: { vi: 'Duy trì truy cập khi bạn không trực tuyến (làm mới phiên)', en: 'Access while you are offline (refreshing the session)' },
};

function address(a: AddressView | null) {
  if (!a) return null;
  return {
    formatted: [a.address, a.communeName, a.provinceName].filter(Boolean).join(', '),
    street_address: a.address || null,
    commune_code: a.communeCode, commune: a.communeName,
    province_code: a.provinceCode, province: a.provinceName,
    country: 'VN',
    ...(a.recordedWith ? { recorded_with: { province_code: a.recordedWith.provinceCode, district_code: a.recordedWith.districtCode, commune_code: a.recordedWith.communeCode, commune: a.recordedWith.communeName } } : {}),
  };
}

/** Every claim the person has; the provider keeps those of the granted scopes. */
export function claimsOf(p: PersonRecord, phone: string | null): Record<string, unknown> {
  const { family, middle, given } = splitFullName(p.fullName);
  return {
    name: p.fullName,
    family_name: family,
    middle_name: middle || undefined,
    given_name: given,
    birthdate: p.birthDate,
    gender: p.sex,
    id_number: p.idNumber,
    residence: {
      permanent: address(p.permanentResidence),
      temporary: p.temporaryResidence ? { ...address(p.temporaryResidence), until: p.temporaryResidence.until } : null,
      current: address(p.currentResidence),
    },
    household: p.household ? { number: p.household.householdNo, relation_to_head: p.household.relationToHead } : null,
    phone_number: phone ?? undefined,
    phone_number_verified: phone ? true : undefined,
  };
}

/** The registry fields behind the claims of some scopes (for the audit entry of a release). */
export function fieldsOfScopes(scopes: Iterable<string>): string[] {
  const map: Record<string, string[]> = {
    profile: ['fullName', 'birthDate', 'sex'], id_number: ['idNumber'], residence: ['permanentResidence', 'temporaryResidence', 'currentResidence'],
    household: ['household'], phone: ['phone'],
  };
  return [...new Set([...scopes].flatMap((s) => map[s] ?? []))];
}
