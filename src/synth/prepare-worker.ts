/** Worker thread: prepares batches (generation + COPY text) and hands them over as transferred bytes. */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareBatch } from './prepare.ts';

const { seed, batchSize } = workerData as { seed: number; batchSize: number };
const port = parentPort!;

port.on('message', (m: { id: number; batch: number; people: number }) => {
  try {
    const p = prepareBatch(seed, m.batch, batchSize, m.people);
    const transfer: ArrayBuffer[] = [];
    // Hand the chunks' memory over instead of copying it (each chunk owns its ArrayBuffer).
    for (const c of [...p.householdCopy, ...p.personCopy, ...p.idCopy]) {
      const ab = c.buffer as ArrayBuffer;
      if (!transfer.includes(ab)) transfer.push(ab);
    }
    const prepared = p;
    port.postMessage({ id: m.id, ok: true, prepared }, transfer);
  } catch (e) {
    port.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
});
port.postMessage({ ready: true });
