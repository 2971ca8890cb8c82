import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import path from 'node:path';

/**
 * Every setting of the platform, read from the environment in one place.
 * Nothing outside this file reads `process.env`.
 */
export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8060, description: 'TCP port of the HTTP server (0 = any free port).' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Interface to listen on. Use 0.0.0.0 behind a load balancer.' }),
  PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'Public base URL used in links and OpenID metadata. Default: http://HOST:PORT.' })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'External PostgreSQL ≥ 15. Unset: the platform starts its own embedded PostgreSQL under DATA_DIR.' })),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 500, default: 20, description: 'Connections in the pool of this process.' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data/pg', description: 'Where the embedded PostgreSQL keeps its files.' }),
  EMBEDDED_PG_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 54329, description: 'Port of the embedded PostgreSQL (loopback only).' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info', description: 'Log level of the JSON logs.' }),
  SEED_PEOPLE: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 2000, description: 'Synthetic people seeded on first start of an empty database (0 = none).' }),
  SESSION_TTL_MINUTES: Type.Integer({ minimum: 5, maximum: 24 * 60, default: 480, description: 'Officer session lifetime, minutes.' }),
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, maximum: 100, default: 5, description: 'Failed sign-ins before an officer account is locked.' }),
  LOGIN_MAX_PER_IP_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 100_000, default: 30, description: 'Sign-in attempts one client IP may make per minute (all usernames), per process.' }),
  LOGIN_LOCK_MINUTES: Type.Integer({ minimum: 1, maximum: 24 * 60, default: 15, description: 'How long a locked officer account stays locked, minutes.' }),
  AUDIT_BATCH_MAX: Type.Integer({ minimum: 1, maximum: 10_000, default: 500, description: 'Most audit entries written in one group commit.' }),
  AUDIT_CHECKPOINT_INTERVAL_MINUTES: Type.Integer({ minimum: 0, maximum: 24 * 60, default: 10, description: 'How often the platform walks the audit chain from its last checkpoint and records a new checkpoint (published signed at GET /api/v1/audit/head) when the chain has grown, minutes (0 = never).' }),
  AUDIT_RECEIPT_PUSH_URLS: Type.String({ default: '', description: 'Comma-separated absolute https URLs of keepers outside the platform: each new audit checkpoint\'s signed receipt is POSTed to each as {"receipt": "<compact JWS>"}, retried with exponential backoff from 30 seconds, at most 8 attempts (http only for 127.0.0.1 and localhost). Empty: receipts are pushed nowhere.' }),
  AUDIT_HEAD_MAX_PER_IP_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 100_000, default: 120, description: 'Requests one client IP may make per minute to the public GET /api/v1/audit/head, per process (over it: 429 with Retry-After).' }),
  CARDS_KEY_ENCRYPTION_KEY: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$', description: 'Base64 of 32 random bytes that encrypt the card signing keys (CSCA, Document Signer) at rest. Unset: stored in clear (a warning says so).' })),
  SIGNING_KEY_ENCRYPTION_KEY: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$', description: 'Base64 of 32 random bytes that encrypt the platform JOSE signing keys (OpenID Connect, access tokens) at rest. Unset: stored in clear (a warning says so).' })),
  COOKIE_SECURE: Type.Boolean({ default: false, description: 'Mark session cookies Secure. Must be true in production (HTTPS).' }),
  OTP_SENDER: Type.Union([Type.Literal('dev'), Type.Literal('none')], { default: 'dev', description: 'Where eID one-time codes go: dev = kept in memory and readable at GET /api/v1/eid/dev/messages (development and tests only), none = dropped. A deployment plugs in its SMS gateway (an OtpSender).' }),
  WEBHOOK_ALLOWED_HOSTS: Type.String({ default: '', pattern: '^(\\*|[A-Za-z0-9.:_\\[\\]-]+(\\s*,\\s*[A-Za-z0-9.:_\\[\\]-]+)*)?$', description: 'Comma-separated host names or IP addresses of event receivers that may resolve to private or loopback addresses and use http (* = every host). Empty (the default): only https receivers whose host resolves to public addresses. Development and tests only.' }),
  EID_KEY_ENCRYPTION_KEY: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$', description: 'Base64 of 32 random bytes that encrypt eID TOTP secrets at rest. Unset: stored in clear (a warning says so).' })),
  EID_NOTICE_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 8, description: 'Attempts to send an eID notice (new device, consent request) before it is given up; retried with exponential backoff from 30 seconds up to an hour.' }),
  EID_SIGN_IN_RETENTION_MONTHS: Type.Integer({ minimum: 1, maximum: 120, default: 12, description: 'How long the citizens\' sign-in history is kept, months (housekeeping deletes older entries; the portal says so).' }),
  EID_ENDED_SESSION_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 90, description: 'How long ended (revoked or expired) eID device sessions are kept, days.' }),
});

export type Config = Static<typeof ConfigSchema> & { PUBLIC_BASE_URL: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const numeric = new Set(['PORT', 'DATABASE_POOL_SIZE', 'EMBEDDED_PG_PORT', 'SEED_PEOPLE', 'SESSION_TTL_MINUTES', 'LOGIN_MAX_FAILURES', 'LOGIN_MAX_PER_IP_PER_MINUTE', 'LOGIN_LOCK_MINUTES', 'AUDIT_BATCH_MAX', 'AUDIT_CHECKPOINT_INTERVAL_MINUTES', 'AUDIT_HEAD_MAX_PER_IP_PER_MINUTE', 'EID_NOTICE_MAX_ATTEMPTS', 'EID_SIGN_IN_RETENTION_MONTHS', 'EID_ENDED_SESSION_RETENTION_DAYS']);
const booleans = new Set(['COOKIE_SECURE']);

/** Reads and validates the configuration; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of Object.keys(ConfigSchema.properties)) {
    const v = env[key];
    if (v === undefined || v === '') continue;
    if (numeric.has(key)) {
      if (!/^-?\d+$/.test(v.trim())) { problems.push(`${key}=${JSON.stringify(v)}: expected a whole number`); continue; }
      raw[key] = Number(v);
    } else if (booleans.has(key)) {
      if (!/^(true|false|1|0)$/i.test(v)) { problems.push(`${key}=${JSON.stringify(v)}: expected true or false`); continue; }
      raw[key] = /^(true|1)$/i.test(v);
    } else raw[key] = v;
  }
  Object.assign(raw, overrides);
  const withDefaults = Value.Default(ConfigSchema, raw) as Record<string, unknown>;
  for (const e of Value.Errors(ConfigSchema, withDefaults)) {
    const key = e.path.replace(/^\//, '');
    const schema = (ConfigSchema.properties as Record<string, { description?: string }>)[key];
    problems.push(`${key}=${JSON.stringify(withDefaults[key])}: ${e.message}${schema?.description ? ` (${schema.description})` : ''}`);
  }
  const pushUrls = withDefaults.AUDIT_RECEIPT_PUSH_URLS;
  if (typeof pushUrls === 'string') for (const bad of badPushUrls(pushUrls)) problems.push(`AUDIT_RECEIPT_PUSH_URLS: ${JSON.stringify(bad.replace(/\/\/[^/]*@/, '//…@'))} is not an absolute https URL without user or password (http only for 127.0.0.1 or localhost)`);
  if (problems.length) throw new ConfigError(problems);
  const cfg = withDefaults as Static<typeof ConfigSchema>;
  return {
    ...cfg,
    DATA_DIR: path.resolve(cfg.DATA_DIR),
    PUBLIC_BASE_URL: (cfg.PUBLIC_BASE_URL ?? `http://${cfg.HOST === '0.0.0.0' ? 'localhost' : cfg.HOST}:${cfg.PORT}`).replace(/\/$/, ''),
  };
}

/** The keepers each new checkpoint's receipt is pushed to (AUDIT_RECEIPT_PUSH_URLS). */
export function receiptPushUrls(cfg: Pick<Config, 'AUDIT_RECEIPT_PUSH_URLS'>): string[] {
  return cfg.AUDIT_RECEIPT_PUSH_URLS.split(',').map((u) => u.trim()).filter(Boolean);
}

function badPushUrls(list: string): string[] {
  return receiptPushUrls({ AUDIT_RECEIPT_PUSH_URLS: list }).filter((u) => {
    let url: URL;
    try { url = new URL(u); } catch { return true; }
    if (url.username || url.password) return true;
    return !(url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(url.hostname)));
  });
}

/** Warnings for defaults that are fine on a laptop and wrong in production. */
export function configWarnings(cfg: Config): string[] {
  const w: string[] = [];
  if (!cfg.COOKIE_SECURE && cfg.PUBLIC_BASE_URL.startsWith('https://')) w.push('COOKIE_SECURE is false while PUBLIC_BASE_URL is https: set COOKIE_SECURE=true.');
  if (!cfg.CARDS_KEY_ENCRYPTION_KEY) w.push('CARDS_KEY_ENCRYPTION_KEY is unset: card signing keys are stored unencrypted in the database. Set it (openssl rand -base64 32) outside a demo.');
  if (cfg.OTP_SENDER === 'dev') w.push('OTP_SENDER=dev: eID one-time codes are readable by anyone at /api/v1/eid/dev/messages. Development and tests only; plug in an SMS gateway in production.');
  if (cfg.WEBHOOK_ALLOWED_HOSTS) w.push(`WEBHOOK_ALLOWED_HOSTS=${cfg.WEBHOOK_ALLOWED_HOSTS}: event deliveries may go to private addresses and over http for these hosts. Development and tests only.`);
  if (!cfg.EID_KEY_ENCRYPTION_KEY) w.push('EID_KEY_ENCRYPTION_KEY is unset: eID TOTP secrets are stored unencrypted. Set it (openssl rand -base64 32) outside a demo.');
  if (!cfg.SIGNING_KEY_ENCRYPTION_KEY) w.push('SIGNING_KEY_ENCRYPTION_KEY is unset: the OpenID Connect signing keys are stored unencrypted in the database. Set it (openssl rand -base64 32) outside a demo.');
  if (!cfg.DATABASE_URL) w.push('Using the embedded PostgreSQL (DATABASE_URL unset): fine for a demo or a pilot, use a managed PostgreSQL ≥ 15 in production.');
  return w;
}

/** A secret given to one CLI command through the environment rather than its arguments (which `ps` shows). */
export function cliSecret(name: 'OPEN06_OFFICER_PASSWORD' | 'OPEN06_KEEPER_TOKEN', env: Record<string, string | undefined> = process.env): string | undefined {
  return env[name] || undefined;
}
