// Estimates vs measurements for the stats cost model on a throwaway local cluster.
// Usage: npm run build && node scripts/stats-bench.mjs [rows...]   (default 100000 1000000)
// Prints per probe and size: the fastest of --repeat runs (other work on the machine only adds time), the default model's estimate range, and measured / point.
// With --fit it also prints the model fitted from these runs (how DEFAULT_MODEL was made).
import pg from 'pg';
import { findLocalBinaries, findEmbeddedBinaries } from '../dist/src/replay/binaries.js';
import { startCluster } from '../dist/src/replay/cluster.js';
import { measure, fitModel, fastest } from '../dist/src/stats/calibrate.js';
import { DEFAULT_MODEL, pointMs, rangeMs } from '../dist/src/stats/model.js';

const args = process.argv.slice(2);
const doFit = args.includes('--fit');
const repeat = Number(args.find((a) => a.startsWith('--repeat='))?.slice(9) ?? 1);
const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
if (sizes.length === 0) sizes.push(100_000, 1_000_000);
const binaries = (await findLocalBinaries()) ?? (await findEmbeddedBinaries());
const cluster = await startCluster({ binaries });
const client = new pg.Client(cluster.clientConfig());
await client.connect();
const all = [];
try {
  for (let r = 0; r < repeat; r++) for (const rows of sizes) all.push(...(await measure(client, rows)));
} finally {
  await client.end();
  await cluster.stop();
}
const best = fastest(all);
const model = doFit ? fitModel(best, `PG ${binaries.version}`, DEFAULT_MODEL.cacheBytes) : DEFAULT_MODEL;
console.log('| probe | class | rows | measured | estimate (range) | measured / estimate | within 2× |');
console.log('|---|---|---:|---:|---:|---:|---|');
for (const m of best) {
  const p = pointMs(model, { op: m.op, rows: m.rows, bytes: m.bytes });
  const { lowMs, highMs } = rangeMs(model, p);
  const ratio = m.ms / p;
  console.log(`| ${m.probe} | ${m.op} | ${m.rows.toLocaleString('en')} | ${m.ms.toFixed(1)} ms | ${lowMs.toFixed(0)}–${highMs.toFixed(0)} ms | ${ratio.toFixed(2)} | ${ratio >= 0.5 && ratio <= 2 ? 'yes' : 'NO'} |`);
}
if (doFit) console.log(JSON.stringify(model.ops, null, 2));
