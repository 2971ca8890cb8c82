import type { Translate } from '../i18n/i18n.tsx';
import { isRole, type Jurisdiction, type Officer } from './auth.types.ts';

export function roleLabel(role: string, t: Translate): string {
  return isRole(role) ? t(`role.${role}`) : role;
}

export function rolesText(officer: Officer, t: Translate): string {
  return officer.roles.length ? officer.roles.map((r) => roleLabel(r, t)).join(', ') : t('role.none');
}

/** "Toàn quốc", "Hà Nội", or "Phường Ba Đình, Hà Nội"; a code stands in when a name is missing. */
export function jurisdictionText(j: Jurisdiction, t: Translate): string {
  const province = j.provinceName ?? j.provinceCode;
  if (!province) return t('jurisdiction.nationwide');
  const commune = j.communeName ?? j.communeCode;
  return commune ? t('jurisdiction.commune', { commune, province }) : t('jurisdiction.province', { province });
}
