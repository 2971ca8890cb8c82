/**
 * The officer as `POST /api/v1/auth/login` and `GET /api/v1/auth/me` return it
 * (OfficerSchema in src/platform/http/platform.routes.ts). Kept as a plain type here until the
 * server exposes it from an `auth.schema.ts` the web app can import type-only.
 */
export interface Officer {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  jurisdiction: Jurisdiction;
}

/** A null province means the whole country; a null commune means the whole province. */
export interface Jurisdiction {
  provinceCode: string | null;
  provinceName: string | null;
  communeCode: string | null;
  communeName: string | null;
}

export const ROLES = ['registrar', 'card_officer', 'service_officer', 'supervisor', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(r: string): r is Role {
  return (ROLES as readonly string[]).includes(r);
}
