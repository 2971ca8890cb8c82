import { hash, verify, type Algorithm } from '@node-rs/argon2';

// OWASP Password Storage Cheat Sheet (argon2id): m = 19 MiB, t = 2, p = 1.
const OPTIONS = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD_LENGTH = 12;

// The most common passwords of public breach corpora, and Vietnamese favourites; a real deployment
// adds a full breached-password list.
const COMMON = new Set([
  '123456789012', '1234567890123', 'password1234', 'password12345', 'qwertyuiop12', 'qwerty123456', 'iloveyou1234',
  'abc123456789', '111111111111', '000000000000', 'matkhau12345', 'matkhau123456', 'anhyeuem1234', 'admin1234567',
  'administrator', 'welcome12345', 'letmein12345', 'open06open06', 'passw0rd1234', '1q2w3e4r5t6y',
]);

export function passwordWeakness(password: string, username: string): 'too_short' | 'common' | 'contains_username' | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'too_short';
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password) || /^(0123456789|1234567890)+/.test(password)) return 'common';
  if (username.length >= 3 && lower.includes(username.toLowerCase())) return 'contains_username';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export function verifyPassword(hashed: string, password: string): Promise<boolean> {
  return verify(hashed, password).catch(() => false);
}

/** A valid hash to verify against when the username is unknown, so timing does not reveal which usernames exist. */
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('open06-timing-equaliser-not-a-password');
  return dummy;
}
