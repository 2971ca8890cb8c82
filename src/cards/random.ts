/** Randomness is injected (keys, certificate serial numbers, synthetic images) so tests are exact. */
import { createHash, randomBytes } from 'node:crypto';

/** Returns `n` random bytes. */
export type RandomBytes = (n: number) => Buffer;

export const systemRandom: RandomBytes = (n) => randomBytes(n);

/**
 * Deterministic bytes from a seed: SHA-256(seed ‖ counter) blocks in sequence. For tests and
 * synthetic data only; production keys come from `systemRandom`.
 */
export function seededRandom(seed: string): RandomBytes {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return (n) => {
    const chunks: Buffer[] = [pool];
    let have = pool.length;
    while (have < n) {
      const block = createHash('sha256').update(seed).update(String(counter++)).digest();
      chunks.push(block);
      have += block.length;
    }
    const all = Buffer.concat(chunks);
    pool = all.subarray(n);
    return Buffer.from(all.subarray(0, n));
  };
}
