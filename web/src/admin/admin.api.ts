import { api } from '../api/client.ts';
import { withQuery, type Page, type PageQuery } from '../api/page.ts';
import type { Officer, Role } from '../auth/auth.types.ts';

type Opts = { signal?: AbortSignal };

/** An officer as GET /api/v1/officers returns it to admins (AdminOfficerSchema in src/platform/http/platform.routes.ts). */
export interface AdminOfficer extends Officer {
  status: 'active' | 'disabled';
  lockedUntil: string | null;
  createdAt: string;
  createdBy: string;
}

export interface NewOfficerBody {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
  provinceCode: string | null;
  communeCode: string | null;
}

/** Only the fields sent change; a jurisdiction is sent whole (province, commune or null). */
export interface OfficerPatch {
  displayName?: string;
  roles?: Role[];
  provinceCode?: string | null;
  communeCode?: string | null;
  status?: 'active' | 'disabled';
}

/** The filters of GET /api/v1/officers (empty: any). */
export interface OfficerFilter {
  q?: string;
  role?: Role | '';
  provinceCode?: string;
  status?: 'active' | 'disabled' | '';
}

export function listOfficers(q: PageQuery & OfficerFilter, opts: Opts = {}): Promise<Page<AdminOfficer>> {
  return api.get(withQuery('/api/v1/officers', q), opts);
}

export function getOfficer(id: string, opts: Opts = {}): Promise<AdminOfficer> {
  return api.get(`/api/v1/officers/${encodeURIComponent(id)}`, opts);
}

export function createOfficer(body: NewOfficerBody): Promise<Officer> {
  return api.post('/api/v1/officers', body);
}

export function updateOfficer(id: string, patch: OfficerPatch): Promise<AdminOfficer> {
  return api.patch(`/api/v1/officers/${encodeURIComponent(id)}`, patch);
}

export type ClientKind = 'relying_party' | 'partner_system' | 'first_party';
export type Jwk = Record<string, unknown>;

/** A client as GET /api/v1/admin/oidc-clients returns it (clientView in src/identity/oidc/oidc.module.ts). */
export interface OidcClient {
  clientId: string;
  kind: ClientKind;
  organisation: string;
  minLevel: 1 | 2;
  sector: string;
  purpose: { vi: string; en: string } | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  scopes: string[];
  tokenEndpointAuthMethod: string;
  jwks: { keys: Jwk[] } | null;
  jwksUri: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  disabledAt: string | null;
}

export const CLIENT_SCOPES = ['profile', 'id_number', 'residence', 'household', 'phone', 'exchange'] as const;
export type ClientScope = (typeof CLIENT_SCOPES)[number];

/** The body of POST /api/v1/admin/oidc-clients (ClientBody in src/identity/oidc/oidc.module.ts). */
export interface ClientBody {
  clientId?: string;
  kind: 'relying_party' | 'partner_system';
  organisation: string;
  purpose?: { vi: string; en: string };
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  jwks?: { keys: Jwk[] };
  jwksUri?: string;
  scopes: ClientScope[];
  minLevel?: 1 | 2;
  sector?: string;
  clientSecretBasic?: boolean;
}

/** The filters of GET /api/v1/admin/oidc-clients (empty: any). */
export interface ClientFilter {
  kind?: ClientKind | '';
  status?: 'active' | 'disabled' | '';
  q?: string;
}

export function listClients(q: PageQuery & ClientFilter, opts: Opts = {}): Promise<Page<OidcClient>> {
  return api.get(withQuery('/api/v1/admin/oidc-clients', q), opts);
}

export function getClient(clientId: string, opts: Opts = {}): Promise<OidcClient> {
  return api.get(`/api/v1/admin/oidc-clients/${encodeURIComponent(clientId)}`, opts);
}

/** Whether a client ID is registered already (asked through the list, which answers 200 either way). */
export async function clientIdTaken(clientId: string, opts: Opts = {}): Promise<boolean> {
  const page = await listClients({ q: clientId, limit: 200, offset: 0, sort: 'createdAt' }, opts);
  return page.items.some((c) => c.clientId === clientId);
}

/** The client, and for client_secret_basic the secret (returned this once). */
export function registerClient(body: ClientBody): Promise<OidcClient & { clientSecret?: string }> {
  return api.post('/api/v1/admin/oidc-clients', body);
}

export function replaceClientKeys(clientId: string, jwks: { keys: Jwk[] }): Promise<OidcClient> {
  return api.put(`/api/v1/admin/oidc-clients/${encodeURIComponent(clientId)}/jwks`, jwks);
}

export function disableClient(clientId: string): Promise<void> {
  return api.delete(`/api/v1/admin/oidc-clients/${encodeURIComponent(clientId)}`);
}

/** Reads pasted JWKS text: a `{ keys: [...] }` of public keys, or the reason it is not one. */
export function parseJwks(text: string): { ok: true; jwks: { keys: Jwk[] } } | { ok: false; problem: 'required' | 'noKeys' | 'private' } | { ok: false; problem: 'invalid'; reason: string } {
  const s = text.trim();
  if (!s) return { ok: false, problem: 'required' };
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch (e) {
    return { ok: false, problem: 'invalid', reason: (e as Error).message };
  }
  // A single key pasted on its own is accepted as a set of one.
  if (v && typeof v === 'object' && !Array.isArray(v) && 'kty' in v) v = { keys: [v] };
  const keys = v && typeof v === 'object' && 'keys' in v ? (v as { keys: unknown }).keys : null;
  if (!Array.isArray(keys) || keys.length < 1 || keys.length > 10 || keys.some((k) => !k || typeof k !== 'object' || Array.isArray(k))) return { ok: false, problem: 'noKeys' };
  if (keys.some((k) => 'd' in (k as Jwk))) return { ok: false, problem: 'private' };
  return { ok: true, jwks: { keys: keys as Jwk[] } };
}
