// Estimates against measurements, through `pgsafe replay --stats` (the check): for each size, a snapshot
// says the calibration table has N rows; replay seeds it at N rows on a throwaway local cluster, runs the probes of
// `pgsafe stats calibrate` (src/stats/calibrate.ts) as one pending migration, and reports per statement the
// measured duration beside the cost model's estimate for the table as seeded.
//
// Usage: npm run build && node scripts/stats-bench.mjs [rows…] [--repeat=N] [--fit] [--json=out.json]
//   rows      default 100000 1000000
//   --repeat  replays per size (default 3); the table shows the median, and the spread of the runs
//   --fit     also fit a model from the medians (fitRelative: how DEFAULT_MODEL in src/stats/model.ts was made) and judge it
//   --from=a.json,b.json  no replay: read the runs of earlier --json outputs (fit and judge those)
// Prints the machine load (uptime) before and after: the machine may be shared.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROBES, fitRelative } from '../dist/src/stats/calibrate.js';
import { DEFAULT_MODEL, pointMs, rangeMs } from '../dist/src/stats/model.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const doFit = args.includes('--fit');
const repeat = Number(args.find((a) => a.startsWith('--repeat='))?.slice(9) ?? 3);
const jsonOut = args.find((a) => a.startsWith('--json='))?.slice(7);
const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
if (sizes.length === 0) sizes.push(100_000, 1_000_000);

const BASE = `CREATE TABLE pgsafe_cal_parent (id int PRIMARY KEY);
CREATE TABLE pgsafe_cal (id bigint PRIMARY KEY, parent_id int, a int, b varchar(10), c timestamptz, d text);
`;
// The probes in order, each undone after (update-all-rows last: it leaves a dead version of every row).
const lines = [];
const probeAt = new Map();
for (const p of PROBES) {
  if (p.setup) lines.push(`${p.setup};`);
  probeAt.set(lines.length + 1, p);
  lines.push(`${p.sql};`);
  if (p.undo) lines.push(`${p.undo};`);
}
const PENDING = lines.join('\n') + '\n';

const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const from = args.find((a) => a.startsWith('--from='))?.slice(7).split(',');
const saved = from?.map((f) => JSON.parse(readFileSync(f, 'utf8')));
let loadBefore = uptime();
const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsafe-stats-bench-'));
const runs = saved ? saved.flatMap((r) => r.runs) : [];
if (saved) loadBefore = saved.map((r) => `${r.loadBefore} … ${r.loadAfter}`).join('; ');
if (!saved) try {
  writeFileSync(path.join(dir, '001_base.sql'), BASE);
  writeFileSync(path.join(dir, '002_probes.sql'), PENDING);
  for (const rows of sizes) {
    const snap = path.join(dir, `snap-${rows}.json`);
    writeFileSync(snap, JSON.stringify({
      pgsafeStats: 1, takenAt: new Date().toISOString(), server: { version: '15', major: 15, maxConnections: 100 }, sampleSeconds: 0,
      tables: [
        { schema: 'public', name: 'pgsafe_cal_parent', rows: 1000, heapBytes: 0, indexBytes: 0, toastBytes: 0, indexes: [] },
        { schema: 'public', name: 'pgsafe_cal', rows, heapBytes: 0, indexBytes: 0, toastBytes: 0, indexes: [] },
      ],
    }));
    for (let r = 0; r < repeat; r++) {
      const cmd = ['replay', '--stats', snap, '--format', 'json', '--no-progress', '--max-blocking', '600000', path.join(dir, '001_base.sql'), path.join(dir, '002_probes.sql')];
      const out = spawnSync(process.execPath, [path.join(root, 'bin', 'pgsafe.js'), ...cmd], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 ** 2 });
      if (out.status === 2 || !out.stdout) throw new Error(`pgsafe ${cmd.join(' ')}: exit ${out.status}\n${out.stderr}`);
      const report = JSON.parse(out.stdout);
      const stmts = report.files.find((f) => f.path.endsWith('002_probes.sql')).statements;
      for (const s of stmts) {
        const p = probeAt.get(s.line);
        if (!p) continue;
        if (s.error) throw new Error(`${p.id} failed on replay: ${s.error.message}`);
        if (!s.estimate) throw new Error(`${p.id}: replay gave no estimate`);
        runs.push({ probe: p.id, op: p.op, size: rows, rows: s.estimate.rows, bytes: s.estimate.bytes, ms: s.durationMs, est: s.estimate });
        process.stderr.write(`${p.id} at ${rows} rows, run ${r + 1}: ${s.durationMs.toFixed(1)} ms (est. ${s.estimate.lowMs.toFixed(0)}–${s.estimate.highMs.toFixed(0)} ms)\n`);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const loadAfter = saved ? '(saved runs)' : uptime();

// One row per probe and size: the median of the runs.
const groups = new Map();
for (const m of runs) {
  const k = `${m.probe}@${m.size}`;
  if (!groups.has(k)) groups.set(k, []);
  groups.get(k).push(m);
}
const medians = [...groups.values()].map((g) => ({ ...g[0], ms: median(g.map((m) => m.ms)), min: Math.min(...g.map((m) => m.ms)), max: Math.max(...g.map((m) => m.ms)), bytes: median(g.map((m) => m.bytes)), n: g.length }));
const fitted = doFit ? fitRelative(medians, 'PG 15, 2 cores', DEFAULT_MODEL.cacheBytes) : undefined;

function table(model, label) {
  console.log(`\n${label}\n`);
  console.log('| probe | class | rows | measured (median of n; min–max) | estimate (range) | measured / point | in range | within 2× |');
  console.log('|---|---|---:|---:|---:|---:|---|---|');
  let ok = 0;
  for (const m of medians) {
    const p = pointMs(model, { op: m.op, rows: m.rows, bytes: m.bytes });
    const { lowMs, highMs } = rangeMs(model, p);
    const ratio = m.ms / p;
    const within = ratio >= 0.5 && ratio <= 2;
    if (within) ok++;
    console.log(`| ${m.probe} | ${m.op} | ${m.rows.toLocaleString('en')} | ${m.ms.toFixed(0)} ms (n=${m.n}; ${m.min.toFixed(0)}–${m.max.toFixed(0)}) | ${lowMs.toFixed(0)}–${highMs.toFixed(0)} ms | ${ratio.toFixed(2)} | ${m.ms >= lowMs && m.ms <= highMs ? 'yes' : 'no'} | ${within ? 'yes' : 'NO'} |`);
  }
  console.log(`\n${ok} of ${medians.length} within 2×.`);
}

console.log(`command: node scripts/stats-bench.mjs ${args.join(' ')}`);
console.log(`load before: ${loadBefore}`);
console.log(`load after:  ${loadAfter}`);
table(DEFAULT_MODEL, `default model (${DEFAULT_MODEL.measuredOn}, ${DEFAULT_MODEL.measuredAt}), as replay --stats reports it:`);
if (fitted) {
  table(fitted, 'model fitted from these medians:');
  console.log('\n' + JSON.stringify(fitted.ops, null, 2));
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ loadBefore, loadAfter, sizes, repeat, runs, medians, fitted }, null, 2));
