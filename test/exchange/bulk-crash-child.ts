/**
 * A bulk job runner in a process of its own, for the crash test: it runs one job with small
 * batches, reports each checkpoint on stdout and waits a little after each, so the test can kill
 * it (SIGKILL: no clean-up of any kind) between or during batches.
 *   node --import tsx test/exchange/bulk-crash-child.ts DATABASE_URL
 */
import { connect } from '../../src/platform/db/database.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { BulkRunner } from '../../src/exchange/index.ts';

const url = process.argv[2];
if (!url) throw new Error('usage: bulk-crash-child.ts DATABASE_URL');
const d = connect(url, 4);
const runner = new BulkRunner({ db: d.db, pool: d.pool, clock: systemClock }, {
  owner: `child-${process.pid}`, leaseMs: 1500, batchSize: 50, pollMs: 0,
  afterCheckpoint: async (_job, rows) => {
    process.stdout.write(`checkpoint ${rows}\n`);
    await new Promise((r) => setTimeout(r, 100));
  },
});
await runner.runOne();
process.stdout.write('finished\n');
await d.close();
