#!/usr/bin/env node
// Seeding speed of `pgsafe replay` against `pgbench -i` on the same tables, side by side, plus the seed cache.
// Usage: node scripts/bench-replay.mjs [--scale 10]   (scale 10 = 1M pgbench_accounts rows; the notes used 100)
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { findLocalBinaries } from '../dist/src/replay/binaries.js';
import { startCluster } from '../dist/src/replay/cluster.js';
import { seedDatabase } from '../dist/src/replay/seed.js';
import { runReplay } from '../dist/src/replay/replay.js';
import { replayMigrations } from '../dist/src/cli/replay.js';

const execFileP = promisify(execFile);
const arg = (name, def) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
};
const scale = Number(arg('--scale', '10'));
const rowsOf = { pgbench_branches: scale, pgbench_tellers: 10 * scale, pgbench_accounts: 100_000 * scale, pgbench_history: 0 };
const totalRows = Object.values(rowsOf).reduce((a, b) => a + b, 0);
const fmt = (n) => Math.round(n).toLocaleString('en-US');

const binaries = await findLocalBinaries();
if (!binaries) {
  console.error('bench-replay: no local Postgres binaries (set PG_BINDIR)');
  process.exit(2);
}
const pgbench = path.join(binaries.bindir, 'pgbench');
const hasPgbench = existsSync(pgbench);

async function withCluster(fn) {
  const c = await startCluster({ binaries });
  try {
    return await fn(c);
  } finally {
    await c.stop();
  }
}

async function pgbenchInit(c, steps) {
  const args = ['-i', '-s', String(scale), '-I', steps, '-h', c.dir, '-p', '5432', '-U', 'postgres', 'postgres'];
  const { stderr } = await execFileP(pgbench, args, { maxBuffer: 64 << 20 });
  return stderr;
}

console.log(`pgsafe replay seeding bench: PostgreSQL ${binaries.version}, scale ${scale} (${fmt(totalRows)} rows), ${os.cpus().length} cores`);

// 1. pgbench -i: client-side COPY, then primary keys (its default steps, minus vacuum which we time separately).
let pgb;
if (hasPgbench) {
  pgb = await withCluster(async (c) => {
    await pgbenchInit(c, 'dt');
    const t0 = performance.now();
    const out = await pgbenchInit(c, 'gp');
    const total = performance.now() - t0;
    const gen = /client-side generate ([\d.]+) s/.exec(out)?.[1] ?? /server-side generate ([\d.]+) s/.exec(out)?.[1];
    return { totalMs: total, loadMs: gen ? Number(gen) * 1000 : undefined };
  });
}

// 2. pgsafe seeding on the very same tables (created by pgbench -I dt, plus their primary keys).
const ours = await withCluster(async (c) => {
  if (hasPgbench) await pgbenchInit(c, 'dt');
  const cl = new pg.Client(c.clientConfig());
  await cl.connect();
  if (!hasPgbench) {
    await cl.query(`CREATE TABLE pgbench_branches (bid int NOT NULL, bbalance int, filler char(88));
      CREATE TABLE pgbench_tellers (tid int NOT NULL, bid int, tbalance int, filler char(84));
      CREATE TABLE pgbench_accounts (aid int NOT NULL, bid int, abalance int, filler char(84));
      CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22))`);
  }
  await cl.query(`ALTER TABLE pgbench_branches ADD PRIMARY KEY (bid); ALTER TABLE pgbench_tellers ADD PRIMARY KEY (tid); ALTER TABLE pgbench_accounts ADD PRIMARY KEY (aid)`);
  const r = await seedDatabase(cl, {
    rows: 0,
    rowsFor: rowsOf,
    superuser: true,
    connect: async () => {
      const t = new pg.Client(c.clientConfig());
      await t.connect();
      return t;
    },
  });
  await cl.end();
  return r;
});

const rate = (rows, ms) => (ms ? rows / (ms / 1000) : NaN);
const rows = [];
if (pgb) rows.push(['pgbench -i (client COPY)', pgb.loadMs, pgb.totalMs]);
rows.push(['pgsafe seed (COPY pipe: SELECT … generate_series → COPY FROM)', ours.loadMs, ours.loadMs + ours.indexMs]);
console.log('');
console.log('| method | load rows/s | load + primary keys rows/s |');
console.log('|---|---:|---:|');
for (const [name, load, total] of rows) console.log(`| ${name} | ${fmt(rate(totalRows, load))} | ${fmt(rate(totalRows, total))} |`);
if (pgb) {
  const ratioLoad = rate(totalRows, pgb.loadMs) / rate(totalRows, ours.loadMs);
  const ratioTotal = rate(totalRows, pgb.totalMs) / rate(totalRows, ours.loadMs + ours.indexMs);
  console.log('');
  console.log(`pgbench is ${ratioLoad.toFixed(2)}× faster on the load, ${ratioTotal.toFixed(2)}× with primary keys (target: within 1.5×)`);
} else {
  console.log(`\npgbench not found in ${binaries.bindir}; notes/postgres-facts.md measured pgbench -i -s 100 at 2.3M rows/s`);
}
for (const w of ours.warnings) console.log(`pgsafe seeding warning: ${w}`);
console.log(`pgsafe: vacuum analyze + warm-up ${fmt(ours.analyzeMs)} ms (pgbench's vacuum step not timed above)`);

// 3. The seed cache: a second replay with the same schema starts from a copy of the seeded cluster.
const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsafe-bench-'));
const cacheDir = path.join(dir, 'cache');
try {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path.join(dir, '001.sql'), `CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84));\n`);
  writeFileSync(path.join(dir, '002.sql'), `ALTER TABLE pgbench_accounts ADD COLUMN note text;\n`);
  const { migrations } = await replayMigrations([path.join(dir, '001.sql'), path.join(dir, '002.sql')], { config: false });
  const opts = { migrations, rows: 100_000 * scale, maxBlockingMs: 1000, provider: 'local', seedCache: cacheDir };
  let t0 = performance.now();
  await runReplay(opts);
  const cold = performance.now() - t0;
  t0 = performance.now();
  const warm = await runReplay(opts);
  const hot = performance.now() - t0;
  console.log(`\nreplay of one ALTER on ${fmt(100_000 * scale)} rows: ${fmt(cold)} ms seeding from scratch (and saving the cache), ${fmt(hot)} ms from the seed cache (cached: ${!!warm.seed?.cached})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
