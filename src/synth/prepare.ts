/**
 * Turning a batch into COPY text, in-process or in a worker thread (so that generating batch n + 1
 * overlaps the COPY of batch n in PostgreSQL).
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { copyChunks, householdLine, personLine } from './copy-format.ts';
import { generateBatch } from './population.ts';

export interface PreparedBatch {
  batch: number;
  people: number;
  households: number;
  /** COPY text of registry.household, registry.person and registry.issued_id, in chunks. */
  householdCopy: Uint8Array[];
  personCopy: Uint8Array[];
  idCopy: Uint8Array[];
  /** Time spent generating and formatting, in ms. */
  ms: number;
}

/** Generates one batch and formats its COPY text (a pure function of the arguments). */
export function prepareBatch(seed: number, batch: number, batchSize: number, people: number): PreparedBatch {
  const t0 = performance.now();
  const b = generateBatch(seed, batch, batchSize, { people });
  return {
    batch,
    people: b.people.length,
    households: b.households.length,
    householdCopy: copyChunks(b.households, householdLine),
    personCopy: copyChunks(b.people, personLine),
    idCopy: copyChunks(b.people, (p) => `${p.id_number}\n`),
    ms: performance.now() - t0,
  };
}

export interface BatchSource {
  get(batch: number, people: number): Promise<PreparedBatch>;
  close(): Promise<void>;
}

export function inProcessSource(seed: number, batchSize: number): BatchSource {
  return {
    get: async (batch, people) => prepareBatch(seed, batch, batchSize, people),
    close: async () => undefined,
  };
}

type Reply = { id: number; ok: true; prepared: PreparedBatch } | { id: number; ok: false; error: string } | { ready: true };

/**
 * A worker thread that prepares batches on request. The entry is a small .mjs that registers tsx
 * in the worker (the parent's loader hooks do not reach worker threads), then loads prepare-worker.ts.
 */
export async function startBatchWorker(seed: number, batchSize: number): Promise<BatchSource> {
  const worker = new Worker(new URL('./prepare-worker.mjs', import.meta.url), { workerData: { seed, batchSize }, execArgv: [] });
  const pending = new Map<number, { resolve: (p: PreparedBatch) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | null = null;
  const failAll = (e: Error) => {
    failure ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  const onMessage = (m: Reply) => {
    if ('ready' in m) return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.prepared); else p.reject(new Error(m.error));
  };
  const onError = (e: Error) => failAll(e);
  const onExit = (code: number) => failAll(new Error(`the generator worker exited (${code})`));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the generator worker did not start within 30 s')), 30_000);
    const done = (e?: Error) => {
      clearTimeout(timer);
      worker.off('error', onStartError);
      worker.off('exit', onStartExit);
      worker.off('message', onReady);
      if (e) reject(e); else resolve();
    };
    const onStartError = (e: Error) => done(e);
    const onStartExit = (code: number) => done(new Error(`the generator worker exited (${code})`));
    const onReady = (m: Reply) => done('ready' in m ? undefined : new Error('unexpected first message from the generator worker'));
    worker.on('error', onStartError);
    worker.on('exit', onStartExit);
    worker.on('message', onReady);
  }).catch(async (e: unknown) => {
    await worker.terminate();
    throw e;
  });
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);
  return {
    get(batch, people) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<PreparedBatch>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, batch, people });
      });
    },
    async close() {
      failure ??= new Error('the generator worker was closed');
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      for (const p of pending.values()) p.reject(failure);
      pending.clear();
      await worker.terminate();
    },
  };
}
