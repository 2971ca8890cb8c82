// Loaded into the platform a benchmark starts, to see whether its one thread is the limit:
//   BENCH_APP_NODE_OPTIONS="--import ./bench/event-loop-sampler.mjs" node --import tsx bench/exchange-verify.bench.ts …
// Every second it appends to $BENCH_ELU_FILE (default .tmp/event-loop.log) the share of the second
// the event loop was busy and the CPU the process used: busy well above CPU means the thread was
// ready to run but waiting for a core.
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.env.BENCH_ELU_FILE ?? '.tmp/event-loop.log';
let lastElu = performance.eventLoopUtilization();
let lastCpu = process.cpuUsage();
setInterval(() => {
  const elu = performance.eventLoopUtilization(performance.eventLoopUtilization(), lastElu);
  lastElu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage(lastCpu);
  lastCpu = process.cpuUsage();
  fs.appendFileSync(file, `${new Date().toISOString().slice(11, 19)} event loop busy ${(elu.utilization * 100).toFixed(0)} %, CPU ${((cpu.user + cpu.system) / 10_000).toFixed(0)} % of a core\n`);
}, 1000).unref();
