// Loaded into the platform a benchmark starts, to see whether its one thread is the limit:
//   BENCH_APP_NODE_OPTIONS="--import ./bench/event-loop-sampler.mjs" node --import tsx bench/exchange-verify.bench.ts …
// Every second it appends to $BENCH_ELU_FILE (default .tmp/event-loop.log):
// - the share of the second the event loop was busy and the CPU the process used (busy well above
//   CPU: the thread was ready to run but waiting for a core);
// - the main thread's context switches in that second, from /proc (Linux): voluntary (it waited)
//   and nonvoluntary (it was preempted, e.g. by a PostgreSQL backend it had just woken);
// - garbage-collection pauses in that second: how many, their total and the longest.
import fs from 'node:fs';
import { performance, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.BENCH_ELU_FILE ?? '.tmp/event-loop.log';

function switches() {
  try {
    const status = fs.readFileSync(`/proc/${process.pid}/task/${process.pid}/status`, 'utf8');
    const of = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { voluntary: of('voluntary_ctxt_switches'), nonvoluntary: of('nonvoluntary_ctxt_switches') };
  } catch {
    return { voluntary: NaN, nonvoluntary: NaN };
  }
}

let gc = { n: 0, ms: 0, max: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.n++;
    gc.ms += e.duration;
    gc.max = Math.max(gc.max, e.duration);
  }
}).observe({ entryTypes: ['gc'] });

let lastElu = performance.eventLoopUtilization();
let lastCpu = process.cpuUsage();
let lastSwitches = switches();
setInterval(() => {
  const elu = performance.eventLoopUtilization(performance.eventLoopUtilization(), lastElu);
  lastElu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage(lastCpu);
  lastCpu = process.cpuUsage();
  const sw = switches();
  const line = [
    `${new Date().toISOString().slice(11, 19)} event loop busy ${(elu.utilization * 100).toFixed(0)} %, CPU ${((cpu.user + cpu.system) / 10_000).toFixed(0)} % of a core`,
    `context switches ${sw.voluntary - lastSwitches.voluntary} voluntary, ${sw.nonvoluntary - lastSwitches.nonvoluntary} nonvoluntary`,
    `GC ${gc.n} pauses, ${gc.ms.toFixed(1)} ms in all, longest ${gc.max.toFixed(2)} ms`,
  ].join('; ');
  lastSwitches = sw;
  gc = { n: 0, ms: 0, max: 0 };
  fs.appendFileSync(file, `${line}\n`);
}, 1000).unref();
