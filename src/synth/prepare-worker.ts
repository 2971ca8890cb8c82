/** Worker thread: prepares batches (generation + COPY text) and hands them over as transferred bytes. */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareBatch } from './prepare.ts';

const { seed, batchSize } = workerData as { seed: number; batchSize: number };
const port = parentPort!;
const encoder = new TextEncoder();

port.on('message', (m: { id: number; batch: number; people: number }) => {
  try {
    const p = prepareBatch(seed, m.batch, batchSize, m.people);
    const transfer: ArrayBuffer[] = [];
    const encode = (chunks: Array<string | Uint8Array>) => chunks.map((c) => {
      const u8 = typeof c === 'string' ? encoder.encode(c) : c;
      transfer.push(u8.buffer as ArrayBuffer);
      return u8;
    });
    const prepared = { ...p, householdCopy: encode(p.householdCopy), personCopy: encode(p.personCopy), idCopy: encode(p.idCopy) };
    port.postMessage({ id: m.id, ok: true, prepared }, transfer);
  } catch (e) {
    port.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
});
port.postMessage({ ready: true });
