// Loaded into the platform a benchmark starts, to see what allocates (and so what the young
// generation's scavenges cost):
//   BENCH_APP_NODE_OPTIONS="--import ./bench/allocation-sampler.mjs" BENCH_ALLOC_FROM=12 BENCH_ALLOC_TO=20 \
//     node --import tsx bench/registry.bench.ts --dir bench-pg --people 10000000 --seconds 10 --phases byId
// From BENCH_ALLOC_FROM to BENCH_ALLOC_TO seconds after the platform starts (choose the phase's
// window), it samples allocations through the inspector, counting objects already collected too,
// and writes to $BENCH_ALLOC_FILE (default .tmp/allocations.txt) the MB sampled and the 30
// functions that allocated most.
import { Session } from 'node:inspector';
import fs from 'node:fs';

const from = Number(process.env.BENCH_ALLOC_FROM ?? 12);
const to = Number(process.env.BENCH_ALLOC_TO ?? 20);
const file = process.env.BENCH_ALLOC_FILE ?? '.tmp/allocations.txt';
const session = new Session();
session.connect();
const post = (method, params = {}) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));

function summary(profile) {
  const bySelf = new Map();
  let total = 0;
  const walk = (node) => {
    const f = node.callFrame;
    const where = f.url.replace(/^(file:\/\/)?\/.*?\/node_modules\//, 'node_modules/').replace(/^(file:\/\/)?\/.*?\/(src|bench)\//, '$2/');
    const key = `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber}`;
    total += node.selfSize;
    bySelf.set(key, (bySelf.get(key) ?? 0) + node.selfSize);
    for (const c of node.children) walk(c);
  };
  walk(profile.head);
  const top = [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
  return `${(total / 1e6).toFixed(1)} MB sampled in ${to - from} s\n${top.join('\n')}\n`;
}

setTimeout(async () => {
  await post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  setTimeout(async () => {
    const { profile } = await post('HeapProfiler.stopSampling');
    fs.writeFileSync(file, summary(profile));
  }, (to - from) * 1000).unref();
}, from * 1000).unref();
