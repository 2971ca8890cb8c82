/**
 * The stated purpose of reading a full record (the server requires it and writes it to the audit
 * log the citizen can read). The officer picks a common purpose or writes one; the last choice is
 * offered again for the rest of the browser session, for the same officer only.
 */
export const PURPOSES = ['procedure', 'birth', 'residence', 'card', 'verify', 'authority', 'other'] as const;
export type PurposeCode = (typeof PURPOSES)[number];

/** What is sent and audited: always Vietnamese, whatever the interface language, so the log reads the same. */
export const PURPOSE_AUDIT_TEXT: Record<Exclude<PurposeCode, 'other'>, string> = {
  procedure: 'Giải quyết thủ tục hành chính',
  birth: 'Đăng ký khai sinh',
  residence: 'Đăng ký, quản lý cư trú',
  card: 'Cấp, đổi, cấp lại thẻ căn cước',
  verify: 'Xác minh, điều chỉnh thông tin công dân',
  authority: 'Theo yêu cầu của cơ quan có thẩm quyền',
};

export const PURPOSE_MAX = 300;

export interface PurposeChoice {
  code: PurposeCode;
  detail: string;
}

/** "Đăng ký khai sinh — hồ sơ số 12"; for "other", the detail alone. Empty when incomplete. */
export function purposeText(c: PurposeChoice): string {
  const detail = c.detail.trim().replace(/\s+/g, ' ');
  if (c.code === 'other') return detail.slice(0, PURPOSE_MAX);
  const base = PURPOSE_AUDIT_TEXT[c.code];
  return (detail ? `${base} — ${detail}` : base).slice(0, PURPOSE_MAX);
}

const KEY = 'open06.registry.purpose';

export function rememberedPurpose(officerId: string): PurposeChoice | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as { officerId?: unknown; code?: unknown; detail?: unknown };
    if (v.officerId !== officerId || typeof v.detail !== 'string' || !(PURPOSES as readonly unknown[]).includes(v.code)) return null;
    return { code: v.code as PurposeCode, detail: v.detail };
  } catch {
    return null;
  }
}

export function rememberPurpose(officerId: string, c: PurposeChoice): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ officerId, code: c.code, detail: c.detail }));
  } catch {
    // Storage blocked: the form simply starts empty next time.
  }
}

/**
 * A purpose the app already knows for one record, so its page opens without asking (a registrar
 * who has just registered a birth reads the new record "for birth registration"). Used once.
 */
const granted = new Map<string, PurposeChoice>();

export function grantPurpose(idNumber: string, c: PurposeChoice): void {
  granted.set(idNumber, c);
}

export function grantedPurpose(idNumber: string): PurposeChoice | null {
  return granted.get(idNumber) ?? null;
}

export function forgetGrantedPurpose(idNumber: string): void {
  granted.delete(idNumber);
}
