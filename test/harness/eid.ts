/**
 * Citizens with eID accounts, made through the public and officer APIs over real HTTP: a resident
 * in the registry, a level-1 account by self-registration (code read from the development
 * sender), a level-2 account from a real chip read at the counter, a TOTP second factor.
 */
import assert from 'node:assert/strict';
import { generate } from 'otplib';

export const CITIZEN_PASSWORD = 'Hoa-sen-no-giua-dam-2026';

export async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

export async function officerHeaders(base: string, username: string, password: string): Promise<Record<string, string>> {
  const r = await call(base, 'POST', '/api/v1/auth/login', { username, password, bearer: true });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return { authorization: `Bearer ${r.json.token}` };
}

let seq = 0;
/** A living resident of Ba Đình (Hà Nội) with a permanent residence. */
export async function resident(base: string, registrar: Record<string, string>, p: { fullName: string; sex: 'male' | 'female'; birthDate: string }): Promise<string> {
  const b = await call(base, 'POST', '/api/v1/registry/births', { legalBasis: 'Luật Hộ tịch 2014, Điều 16', fullName: p.fullName, sex: p.sex, birthDate: p.birthDate, birthRegistration: { provinceCode: '01', communeCode: '00004' } }, registrar);
  assert.equal(b.status, 201, JSON.stringify(b.json));
  const idNumber = b.json.idNumber as string;
  const r = await call(base, 'POST', `/api/v1/registry/people/${idNumber}/permanent-residence`, { legalBasis: 'Luật Cư trú 2020, Điều 20', residence: { address: `Số ${20 + ++seq}, phố Kim Mã`, provinceCode: '01', communeCode: '00004' } }, registrar);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return idNumber;
}

export async function lastCode(base: string, phone: string): Promise<string> {
  const r = await call(base, 'GET', `/api/v1/eid/dev/messages?phone=${encodeURIComponent(phone)}`);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const items = (r.json.items ?? r.json) as Array<{ purpose: string; text: { en: string } }>;
  const codes = items.filter((m) => m.purpose !== 'notice').map((m) => /\b(\d{6})\b/.exec(m.text.en)?.[1]).filter(Boolean);
  assert.ok(codes.length, `no code sent to ${phone}`);
  return codes[codes.length - 1]!;
}

export async function level1Account(base: string, p: { idNumber: string; fullName: string; birthDate: string; phone: string }): Promise<void> {
  const start = await call(base, 'POST', '/api/v1/eid/registrations', { idNumber: p.idNumber, fullName: p.fullName, birthDate: p.birthDate, phone: p.phone });
  assert.equal(start.status, 202, JSON.stringify(start.json));
  const done = await call(base, 'POST', `/api/v1/eid/registrations/${start.json.flowId}/confirm`, { code: await lastCode(base, p.phone), password: CITIZEN_PASSWORD });
  assert.equal(done.status, 201, JSON.stringify(done.json));
}

/** Issues a card, reads its chip at the counter with a face match, and activates the account at level 2. */
export async function level2Account(base: string, cardOfficer: Record<string, string>, p: { idNumber: string; phone: string }): Promise<void> {
  const card = await call(base, 'POST', `/api/v1/cards/people/${p.idNumber}/cards`, { kind: 'first_issue', legalBasis: 'Luật Căn cước 2023, Điều 23', reason: 'Cấp lần đầu' }, cardOfficer);
  assert.equal(card.status, 201, JSON.stringify(card.json));
  const counter = await call(base, 'POST', '/api/v1/eid/counter/level2', { idNumber: p.idNumber, chip: card.json.chip, faceMatch: 'match', phone: p.phone }, cardOfficer);
  assert.equal(counter.status < 300, true, JSON.stringify(counter.json));
  const act = await call(base, 'POST', '/api/v1/eid/activation', { idNumber: p.idNumber, code: await lastCode(base, p.phone), password: CITIZEN_PASSWORD });
  assert.equal(act.status, 200, JSON.stringify(act.json));
}

export async function citizenToken(base: string, idNumber: string, totp?: string): Promise<string> {
  const r = await call(base, 'POST', '/api/v1/eid/sessions', { idNumber, password: CITIZEN_PASSWORD, ...(totp ? { totp } : {}) });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.token as string;
}

/** A TOTP code for `offsetSteps` 30-second steps from now. */
export function totpCode(secret: string, offsetSteps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });
}

/** Turns TOTP on for the account; returns the secret. The code used to confirm is for the current step. */
export async function enableTotp(base: string, token: string): Promise<string> {
  const auth = { authorization: `Bearer ${token}` };
  const start = await call(base, 'POST', '/api/v1/eid/me/totp', undefined, auth);
  assert.equal(start.status, 200, JSON.stringify(start.json));
  const secret = start.json.secret as string;
  const ok = await call(base, 'POST', '/api/v1/eid/me/totp/confirm', { code: await totpCode(secret) }, auth);
  assert.equal(ok.status, 204, JSON.stringify(ok.json));
  return secret;
}
