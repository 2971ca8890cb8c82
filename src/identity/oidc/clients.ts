/**
 * Registered OAuth/OIDC clients. Relying parties sign citizens in (authorization code + PKCE);
 * partner systems of the data exchange get tokens with client credentials; the first-party
 * portal is a relying party of our own. All authenticate with private_key_jwt unless an admin
 * marks a relying party for client_secret_basic.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { JWK } from 'jose';
import { allOf, byName, containsFolded, folded, orderBy, type PageRequest, type SortExprs, type SortParam } from '../../platform/http/paging.ts';

export type ClientKind = 'relying_party' | 'partner_system' | 'first_party';

export interface ClientRow {
  client_id: string;
  kind: ClientKind;
  organisation: string;
  metadata: Record<string, unknown>;
  min_level: 1 | 2;
  sector: string;
  purpose_vi: string | null;
  purpose_en: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  disabled_at: Date | null;
}

export const CLIENT_SORTS = ['name', 'createdAt'] as const;
export type ClientSort = SortParam<(typeof CLIENT_SORTS)[number]>;

export interface ClientFilter {
  kind?: ClientKind;
  status?: 'active' | 'disabled';
  /** Part of the organisation's name or the client ID, with or without diacritics. */
  q?: string;
}

const CLIENT_ORDER: SortExprs<(typeof CLIENT_SORTS)[number]> = { name: byName(sql`organisation`), createdAt: [sql`created_at`] };

export interface ClientInput {
  clientId?: string;
  kind: ClientKind;
  organisation: string;
  /** Shown on the consent screen: why the organisation asks. */
  purpose?: { vi: string; en: string };
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  jwks?: { keys: JWK[] };
  jwksUri?: string;
  /** Scopes the client may ask for (besides openid). */
  scopes: string[];
  minLevel?: 1 | 2;
  /** Clients of one sector share pairwise subject identifiers. Default: the client id. */
  sector?: string;
  /** Allowed only when an admin marks the client so; a secret is generated and shown once. */
  clientSecretBasic?: boolean;
}

/** The OAuth metadata oidc-provider reads for a client. */
export function clientMetadata(c: ClientRow): Record<string, unknown> {
  return {
    ...c.metadata,
    client_id: c.client_id,
    open06_kind: c.kind,
    open06_min_level: c.min_level,
    open06_sector: c.sector,
    open06_organisation: c.organisation,
  };
}

export function buildMetadata(input: ClientInput, clientId: string, secret: string | null): Record<string, unknown> {
  const signsIn = input.kind !== 'partner_system';
  const m: Record<string, unknown> = {
    client_id: clientId,
    client_name: input.organisation,
    grant_types: signsIn ? ['authorization_code', 'refresh_token'] : ['client_credentials'],
    response_types: signsIn ? ['code'] : [],
    redirect_uris: signsIn ? input.redirectUris ?? [] : [],
    token_endpoint_auth_method: secret ? 'client_secret_basic' : 'private_key_jwt',
    scope: [...new Set(signsIn ? ['openid', 'offline_access', ...input.scopes] : input.scopes)].join(' '),
  };
  if (signsIn) {
    // Relying parties get a subject per sector; the first-party portal needs the account itself.
    m.subject_type = input.kind === 'relying_party' ? 'pairwise' : 'public';
    m.post_logout_redirect_uris = input.postLogoutRedirectUris ?? [];
    m.id_token_signed_response_alg = 'ES256';
  }
  if (secret) m.client_secret = secret;
  else if (input.jwksUri) m.jwks_uri = input.jwksUri;
  else if (input.jwks) m.jwks = input.jwks;
  return m;
}

export class ClientStore {
  private readonly cache = new Map<string, { row: ClientRow | null; at: number }>();

  constructor(private readonly db: Kysely<any>, private readonly cacheMs = 5000) {}

  async find(clientId: string, db: Kysely<any> = this.db): Promise<ClientRow | null> {
    const row = await db.selectFrom('identity.oidc_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
    return (row as ClientRow | undefined) ?? null;
  }

  /** A client that is not disabled, from a cache of a few seconds (every token request asks). */
  async findCached(clientId: string): Promise<ClientRow | null> {
    const hit = this.cache.get(clientId);
    if (hit && Date.now() - hit.at < this.cacheMs) return hit.row;
    const row = await this.find(clientId);
    const usable = row && !row.disabled_at ? row : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(clientId, { row: usable, at: Date.now() });
    return usable;
  }

  /** A page of clients (`limit + 1` rows), filtered and sorted. */
  async page(f: ClientFilter, p: PageRequest<ClientSort>): Promise<ClientRow[]> {
    const where: RawBuilder<unknown>[] = [];
    if (f.kind) where.push(sql`kind = ${f.kind}`);
    if (f.status) where.push(f.status === 'active' ? sql`disabled_at is null` : sql`disabled_at is not null`);
    if (f.q) where.push(sql`(${folded(sql`organisation`)} like ${containsFolded(f.q)} or lower(client_id) like ${containsFolded(f.q)})`);
    const { rows } = await sql<ClientRow>`
      select * from identity.oidc_clients where ${allOf(where)}
      ${orderBy(p.sort, CLIENT_ORDER, sql`client_id`)}
      limit ${p.limit + 1} offset ${p.offset}`.execute(this.db);
    return rows;
  }

  /** Inserts or replaces a client; returns the row and, for client_secret_basic, the secret (shown once). */
  async save(input: ClientInput, by: string, validate: (metadata: Record<string, unknown>) => Promise<void>): Promise<{ row: ClientRow; secret: string | null }> {
    const clientId = input.clientId ?? `c_${randomBytes(12).toString('base64url')}`;
    const existing = await this.find(clientId);
    const oldSecret = typeof existing?.metadata.client_secret === 'string' ? existing.metadata.client_secret : null;
    const secret = input.clientSecretBasic ? oldSecret ?? randomBytes(32).toString('base64url') : null;
    const metadata = buildMetadata(input, clientId, secret);
    await validate({ ...metadata, open06_kind: input.kind, open06_min_level: input.minLevel ?? 1, open06_sector: input.sector ?? clientId, open06_organisation: input.organisation });
    const values = {
      client_id: clientId, kind: input.kind, organisation: input.organisation, metadata: JSON.stringify(metadata),
      min_level: input.minLevel ?? 1, sector: input.sector ?? clientId,
      purpose_vi: input.purpose?.vi ?? null, purpose_en: input.purpose?.en ?? null, created_by: by,
    };
    const row = await this.db.insertInto('identity.oidc_clients').values(values)
      .onConflict((oc) => oc.column('client_id').doUpdateSet({ ...values, created_by: existing?.created_by ?? by, updated_at: new Date(), disabled_at: null }))
      .returningAll().executeTakeFirstOrThrow();
    this.cache.delete(clientId);
    return { row: row as ClientRow, secret: secret && secret !== oldSecret ? secret : null };
  }

  /**
   * Replaces a client's public keys (rotation without downtime: publish old and new together, then
   * drop the old); `db` may be a transaction the caller records more in.
   */
  async setJwks(clientId: string, jwks: { keys: JWK[] }, db: Kysely<any> = this.db): Promise<ClientRow | null> {
    const row = await this.find(clientId, db);
    if (!row) return null;
    const metadata = { ...row.metadata, jwks };
    delete (metadata as Record<string, unknown>).jwks_uri;
    const updated = await db.updateTable('identity.oidc_clients').set({ metadata: JSON.stringify(metadata), updated_at: new Date() }).where('client_id', '=', clientId).returningAll().executeTakeFirst();
    this.cache.delete(clientId);
    return (updated as ClientRow | undefined) ?? null;
  }

  /** Drops a client from the cache (after a transaction that changed it commits). */
  forget(clientId: string): void {
    this.cache.delete(clientId);
  }

  async disable(clientId: string): Promise<boolean> {
    const r = await this.db.updateTable('identity.oidc_clients').set({ disabled_at: new Date(), updated_at: new Date() }).where('client_id', '=', clientId).where('disabled_at', 'is', null).executeTakeFirst();
    this.cache.delete(clientId);
    return Number(r.numUpdatedRows) > 0;
  }
}
