import { sql, type Kysely, type RawBuilder } from 'kysely';

/** The callers waiting for each key of the current turn. */
class Waiting<K, V> {
  private byKey = new Map<K, Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>>();

  get size(): number {
    return this.byKey.size;
  }

  wait(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const list = this.byKey.get(key);
      if (list) list.push({ resolve, reject });
      else this.byKey.set(key, [{ resolve, reject }]);
    });
  }

  /** Hands over the keys waited for so far; later callers wait for the next turn. */
  take(): { keys: K[]; settle: (keys: K[], found: Map<K, V>) => void; fail: (keys: K[], e: unknown) => void } {
    const all = this.byKey;
    this.byKey = new Map();
    return {
      keys: [...all.keys()],
      settle: (keys, found) => { for (const k of keys) for (const w of all.get(k)!) w.resolve(found.get(k)); },
      fail: (keys, e) => { for (const k of keys) for (const w of all.get(k)!) w.reject(e); },
    };
  }
}

/**
 * Gathers the keys that concurrent requests ask for in one turn of the event loop and fetches them
 * with one statement. On this machine every statement costs the platform a socket write that wakes
 * a PostgreSQL backend (and often hands it the core), plus ~20 µs of driver work, whatever its
 * size; a busy server reading one row per request saves most of that by reading the turn's rows
 * together. Keys are fetched in the check phase (`setImmediate`), after the poll phase has handed
 * over every request that arrived; nothing is cached between batches, so a read never sees older
 * data than a read issued at the same moment on its own would.
 */
export class BatchLoader<K, V> {
  private readonly waiting = new Waiting<K, V>();
  private scheduled = false;

  constructor(private readonly fetch: (keys: K[]) => Promise<Map<K, V>>, private readonly maxBatch = 500) {}

  load(key: K): Promise<V | undefined> {
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return this.waiting.wait(key);
  }

  private flush(): void {
    this.scheduled = false;
    const { keys, settle, fail } = this.waiting.take();
    for (let i = 0; i < keys.length; i += this.maxBatch) {
      const batch = keys.slice(i, i + this.maxBatch);
      this.fetch(batch).then((found) => settle(batch, found), (e: unknown) => fail(batch, e));
    }
  }
}

/** One module's share of a turn's combined read: its own SQL for the keys, and how to find each key's value in the rows. */
export interface TurnPart<K, R, V> {
  query(keys: K[]): RawBuilder<R>;
  index(rows: R[]): Map<K, V>;
}

/**
 * Like BatchLoader, but the keys that several modules ask for in one turn of the event loop go to
 * PostgreSQL as one statement: each part's own query becomes one JSON column of
 * `select (select json_agg(t) from (<part's query>) t), …`. A request that needs, say, a person's
 * identity facts and their cards then costs one socket write and one backend wake-up per turn
 * instead of two, while each module keeps writing (and owning) its SQL. Rows arrive as JSON: a
 * part's columns must read the same as JSON as they do as rows (text, numbers, booleans, dates
 * kept as text), not timestamps.
 */
export class TurnReads {
  private readonly parts: Array<{ part: TurnPart<any, any, any>; waiting: Waiting<any, any> }> = [];
  private scheduled = false;

  constructor(private readonly db: Kysely<any>, private readonly maxBatch = 500) {}

  part<K, R, V>(part: TurnPart<K, R, V>): (key: K) => Promise<V | undefined> {
    const waiting = new Waiting<K, V>();
    this.parts.push({ part, waiting });
    return (key) => {
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
      return waiting.wait(key);
    };
  }

  private flush(): void {
    this.scheduled = false;
    const taken = this.parts.filter((p) => p.waiting.size).map((p) => ({ part: p.part, ...p.waiting.take() }));
    for (let from = 0; taken.some((t) => t.keys.length > from); from += this.maxBatch) {
      const share = taken.filter((t) => t.keys.length > from).map((t) => ({ ...t, keys: t.keys.slice(from, from + this.maxBatch) }));
      const columns = share.map((t, i) => sql`(select coalesce(json_agg(t), '[]'::json) from (${t.part.query(t.keys)}) t) as ${sql.raw(`p${i}`)}`);
      sql<Record<string, unknown[]>>`select ${sql.join(columns)}`.execute(this.db).then(
        ({ rows }) => share.forEach((t, i) => {
          let found: Map<unknown, unknown>;
          try {
            found = t.part.index(rows[0]![`p${i}`]!);
          } catch (e) {
            t.fail(t.keys, e);
            return;
          }
          t.settle(t.keys, found);
        }),
        (e: unknown) => { for (const t of share) t.fail(t.keys, e); },
      );
    }
  }
}

const turns = new WeakMap<object, TurnReads>();

/** The combined turn reads of one database handle (every module's parts share it). */
export function turnReads(db: Kysely<any>): TurnReads {
  let t = turns.get(db);
  if (!t) {
    t = new TurnReads(db);
    turns.set(db, t);
  }
  return t;
}
