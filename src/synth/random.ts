/**
 * A small, fast, seeded pseudo-random generator for the synthetic population: xoshiro128**
 * (Blackman & Vigna), 32-bit state words, seeded through splitmix32 so nearby seeds give unrelated
 * streams. Not for anything secret: only for reproducible test data.
 */

/** splitmix32 step: a well-mixed 32-bit value from any 32-bit input. */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A 32-bit hash of a few integers (order matters). */
export function hashInts(...xs: number[]): number {
  let h = 0x2545f491;
  for (const x of xs) h = mix32(h ^ mix32(x | 0) ^ Math.floor(x / 2 ** 32));
  return h;
}

const INV_2_32 = 1 / 2 ** 32;

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A stream determined by the given integers, e.g. `new Rng(seed, batch)`. */
  constructor(...seed: number[]) {
    let s = hashInts(...seed);
    s = mix32(s); this.a = s;
    s = mix32(s); this.b = s;
    s = mix32(s); this.c = s;
    s = mix32(s); this.d = s;
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** The next 32-bit unsigned value. */
  next(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() * INV_2_32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * INV_2_32 * n);
  }

  /** Uniform integer in [lo, hi] (both included). */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * INV_2_32 * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() * INV_2_32 < p;
  }

  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new RangeError('pick from an empty array');
    return arr[Math.floor(this.next() * INV_2_32 * arr.length)]!;
  }

  /** An item of a weighted table. */
  weighted<T>(table: Weighted<T>): T {
    return table.pick(this);
  }

  /** Approximately normal (sum of 4 uniforms, scaled), cheap and bounded at ±3.46 sd. */
  normal(mean: number, sd: number): number {
    const s = this.float() + this.float() + this.float() + this.float() - 2;
    return mean + s * 1.7320508 * sd;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A weighted table with the cumulative weights precomputed; each draw is a binary search. */
export class Weighted<T> {
  readonly items: readonly T[];
  private readonly cum: Float64Array;
  readonly total: number;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    if (entries.length === 0) throw new RangeError('empty weighted table');
    this.items = entries.map((e) => e[0]);
    this.cum = new Float64Array(entries.length);
    let t = 0;
    entries.forEach(([, w], i) => {
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`bad weight ${w}`);
      t += w;
      this.cum[i] = t;
    });
    if (t <= 0) throw new RangeError('weights sum to zero');
    this.total = t;
  }

  /** The item whose cumulative interval contains u·total, u in [0, 1). */
  at(u: number): T {
    const x = u * this.total;
    const cum = this.cum;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > x) hi = mid; else lo = mid + 1;
    }
    return this.items[lo]!;
  }

  pick(rng: Rng): T {
    return this.at(rng.float());
  }

  /** The share of an item (sum of its weights over the total). */
  share(item: T): number {
    let w = 0;
    let prev = 0;
    for (let i = 0; i < this.items.length; i++) {
      if (this.items[i] === item) w += this.cum[i]! - prev;
      prev = this.cum[i]!;
    }
    return w / this.total;
  }
}

export function weighted<T>(entries: ReadonlyArray<readonly [T, number]>): Weighted<T> {
  return new Weighted(entries);
}

/**
 * A keyed bijection on [0, 1_000_000): a 4-round Feistel network on the two halves (each in
 * [0, 1000)). Used to turn a counter into a random-looking but collision-free 6-digit serial.
 */
export class Permutation1e6 {
  private readonly keys: Uint32Array;
  constructor(key: number) {
    this.keys = new Uint32Array(4);
    for (let i = 0; i < 4; i++) this.keys[i] = hashInts(key, i, 0x1e6);
  }

  /** The image of x; `tweak` selects one of 2^32 independent permutations (0 by default). */
  apply(x: number, tweak = 0): number {
    if (!(x >= 0 && x < 1_000_000) || !Number.isInteger(x)) throw new RangeError(`outside [0, 1e6): ${x}`);
    let l = Math.floor(x / 1000);
    let r = x - l * 1000;
    for (let i = 0; i < 4; i++) {
      const f = mix32(r ^ this.keys[i]! ^ tweak) % 1000;
      const nl = r;
      r = (l + f) % 1000;
      l = nl;
    }
    return l * 1000 + r;
  }

  invert(y: number, tweak = 0): number {
    let l = Math.floor(y / 1000);
    let r = y - l * 1000;
    for (let i = 3; i >= 0; i--) {
      const pr = l;
      const f = mix32(pr ^ this.keys[i]! ^ tweak) % 1000;
      const pl = (r - f + 1000) % 1000;
      l = pl;
      r = pr;
    }
    return l * 1000 + r;
  }
}
