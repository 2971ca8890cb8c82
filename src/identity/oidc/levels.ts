/** eID assurance levels (Decree 69/2024) as OpenID Connect `acr` values. */
export const ACR = { 1: 'urn:open06:eid:level1', 2: 'urn:open06:eid:level2' } as const;
export type Level = 1 | 2;

export function levelOfAcr(acr: string | undefined | null): Level | 0 {
  if (acr === ACR[2]) return 2;
  if (acr === ACR[1]) return 1;
  return 0;
}

/** The level a request needs: the client's minimum, raised by `acr_values` when every value asked for is level 2. */
export function requiredLevel(clientMin: number, acrValues: string | undefined): Level {
  const asked = (acrValues ?? '').split(' ').filter(Boolean).map(levelOfAcr).filter((l): l is Level => l > 0);
  const fromParam = asked.length ? Math.min(...asked) : 1;
  return Math.max(clientMin, fromParam) >= 2 ? 2 : 1;
}

/**
 * A sign-in reaches level 2 only when the account was verified in person (level 2) and the
 * citizen proved two factors (password + TOTP, or a passkey).
 */
export function sessionLevel(accountLevel: Level, method: 'password' | 'password+totp' | 'passkey'): Level {
  return accountLevel === 2 && method !== 'password' ? 2 : 1;
}
