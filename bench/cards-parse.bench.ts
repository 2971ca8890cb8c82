/**
 * Card QR and MRZ parsing throughput, single thread (issue 4 target: ≥ 100,000 parses/s each).
 * Parses a rotating set of distinct valid payloads (and, separately, malformed ones) so no result
 * can be cached; reports the median of several timed rounds after a warm-up.
 * Usage: node --import tsx bench/cards-parse.bench.ts [--seconds 2]
 */
import os from 'node:os';
import { formatCardQr, parseCardQr } from '../src/cards/qr.ts';
import { formatVnMrz, parseVnMrz } from '../src/cards/mrz.ts';

const args = process.argv.slice(2);
const i = args.indexOf('--seconds');
const SECONDS = i >= 0 ? Number(args[i + 1]) : 2;
const ROUNDS = 5;

const NAMES = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Hoàng Phương Nam', 'Phạm Thị Ngọc Ánh', 'Đặng Quốc Bảo', 'Huỳnh Thị Thuỷ'];
const N = 1024;
const qrs: string[] = [];
const mrzs: string[] = [];
for (let k = 0; k < N; k++) {
  const female = k % 2 === 1;
  const year = 1950 + (k % 60);
  const idNumber = `001${(year >= 2000 ? 2 : 0) + (female ? 1 : 0)}${String(year % 100).padStart(2, '0')}${String(100000 + k).slice(-6)}`;
  const birthDate = { kind: 'full', year, month: 1 + (k % 12), day: 1 + (k % 28) } as const;
  const fullName = NAMES[k % NAMES.length]!;
  qrs.push(formatCardQr({
    idNumber, oldIdNumber: k % 3 ? null : String(100000000 + k), fullName, birthDate, sex: female ? 'female' : 'male',
    address: `Số ${k} Phố Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội`, issueDate: { kind: 'full', year: 2021, month: 5, day: 10 },
    extra: k % 2 ? ['', ''] : [],
  }));
  mrzs.push(formatVnMrz({ idNumber, fullName, birthDate, sex: female ? 'female' : 'male', expiry: k % 7 ? { kind: 'on', date: { kind: 'full', year: year + 60, month: birthDate.month, day: birthDate.day } } : { kind: 'never' } }).join('\n'));
}
const badQrs = qrs.map((q) => q.replace(/\|(Nam|Nữ)\|/, '|X|').replace(/\|\d{8}\|/, '|32131999|'));
const badMrzs = mrzs.map((m) => `${m.slice(0, 40)}${m[40] === '1' ? '2' : '1'}${m.slice(41)}`);

function measure(name: string, inputs: readonly string[], parse: (s: string) => { ok: boolean }, expectOk: boolean): number {
  let sink = 0;
  const run = (n: number): void => { for (let k = 0; k < n; k++) if (parse(inputs[k & (N - 1)]!).ok === expectOk) sink++; };
  run(200_000); // warm-up (JIT)
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const until = start + BigInt(Math.round((SECONDS / ROUNDS) * 1e9));
    let now = start;
    while (now < until) { run(10_000); n += 10_000; now = process.hrtime.bigint(); }
    rates.push(n / (Number(now - start) / 1e9));
  }
  if (sink === 0) throw new Error('nothing parsed as expected');
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(ROUNDS / 2)]!;
  console.log(`${name.padEnd(28)} ${Math.round(median).toLocaleString('en').padStart(12)} ops/s   (rounds: ${rates.map((x) => Math.round(x / 1000)).join(', ')} k/s)`);
  return median;
}

console.log(`cards parse benchmark: node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, single thread, ${SECONDS}s per case`);
const results = [
  measure('QR parse (valid)', qrs, parseCardQr, true),
  measure('QR parse (malformed)', badQrs, parseCardQr, false),
  measure('MRZ parse (valid)', mrzs, parseVnMrz, true),
  measure('MRZ parse (check digit bad)', badMrzs, parseVnMrz, false),
];
const TARGET = 100_000;
console.log(results.every((r) => r >= TARGET) ? `all ≥ ${TARGET.toLocaleString('en')}/s target` : `BELOW the ${TARGET.toLocaleString('en')}/s target`);
