/**
 * The bulk job runner's thread (started by BulkWorkerHost): its own database pool, the runner
 * polling for jobs, and messages from the host — { drain: id } runs every runnable job and answers
 * { drained: id }; { stop: true } stops after the batch in flight and ends the thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from '../../platform/db/database.ts';
import { systemClock } from '../../platform/clock.ts';
import { BulkRunner, type BulkRunnerOptions } from './bulk.runner.ts';

const { url, options } = workerData as { url: string; options: BulkRunnerOptions & { poolSize?: number } };
const d = connect(url, options.poolSize ?? 4);
const runner = new BulkRunner({
  db: d.db, pool: d.pool, clock: systemClock,
  poke: () => parentPort!.postMessage({ poke: true }),
  onError: (e) => parentPort!.postMessage({ error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) }),
}, options);
runner.start();
parentPort!.on('message', (m: { drain?: number; stop?: boolean }) => {
  if (m.drain !== undefined) void runner.drain().then(() => parentPort!.postMessage({ drained: m.drain }));
  if (m.stop) void runner.stop().then(() => d.close()).then(() => parentPort!.close());
});
