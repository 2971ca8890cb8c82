/**
 * Idempotency-Key for a life-event request: one per submission attempt, sent again unchanged
 * when the same attempt is retried (after a lost answer), so the server records it once.
 */
export function newIdempotencyKey(): string {
  // randomUUID exists only in secure contexts (https, localhost); getRandomValues everywhere.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Keeps the key while the request body stays the same; a changed form is a new attempt. */
export class SubmissionAttempt {
  private current: { body: string; key: string } | null = null;

  keyFor(body: unknown): string {
    const json = JSON.stringify(body);
    if (this.current?.body !== json) this.current = { body: json, key: newIdempotencyKey() };
    return this.current.key;
  }

  reset(): void {
    this.current = null;
  }
}
