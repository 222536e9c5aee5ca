// The cost model on a real server's snapshot of a 100k-row table: each probe statement is estimated from the
// analysed statement, with the right class of work, a named model and a range that grows with the table.
// How close estimates come to measured durations depends on the machine, so that is a benchmark
// (scripts/stats-bench.mjs, figures in docs/stats.md), not a timed test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type LocalCluster } from '../../src/replay/cluster.js';
import { calibrationSql, createCalibrationTables, PROBES } from '../../src/stats/calibrate.js';
import { collectSnapshot } from '../../src/stats/collect.js';
import { estimateStatement } from '../../src/stats/estimate.js';
import { DEFAULT_MODEL } from '../../src/stats/model.js';
import { tableIndex, type StatsSnapshot } from '../../src/stats/snapshot.js';
import { lint } from '../../src/engine/engine.js';
import { BINARIES, cliArgs, ROOT } from '../replay/helpers.js';

const ROWS = 100_000;

describe('estimates on the snapshot of a real server (100k rows)', () => {
  let cluster: LocalCluster;
  let client: pg.Client;
  let snapshot: StatsSnapshot;
  beforeAll(async () => {
    cluster = await startCluster({ binaries: BINARIES });
    client = new pg.Client(cluster.clientConfig());
    await client.connect();
    await createCalibrationTables(client, ROWS);
    snapshot = await collectSnapshot(client, { sampleMs: 0 });
    await client.query('DROP TABLE pgsafe_cal, pgsafe_cal_parent');
  }, 240_000);
  afterAll(async () => {
    await client?.end();
    await cluster?.stop();
  });

  it('the snapshot sees the synthetic table as it is', () => {
    const t = tableIndex(snapshot).get('public.pgsafe_cal')!;
    expect(t.rows).toBe(ROWS);
    expect(t.heapBytes).toBeGreaterThan(ROWS * 60);
    expect(t.indexes.map((i) => i.name)).toEqual(['pgsafe_cal_pkey']);
  });

  it.each(PROBES.map((p) => [p.id, p] as const))('%s: the estimate names its class and model, and grows with the table', async (_id, probe) => {
    const text = [probe.setup, probe.sql].filter(Boolean).join(';\n') + ';';
    const results = await lint([{ path: 'base.sql', text: calibrationSql(ROWS), lint: false }, { path: 'up.sql', text }], { rules: [], pgVersion: 15, assumeInTransaction: false });
    const analysed = results[1].analysed!;
    const stmt = analysed[analysed.length - 1];
    const tables = tableIndex(snapshot);
    const est = estimateStatement(stmt, tables, DEFAULT_MODEL)!;
    expect(est.op).toBe(probe.op);
    expect(est.model).toMatch(/^default model/);
    expect(est.lowMs!).toBeGreaterThan(0);
    expect(est.highMs!).toBeGreaterThan(est.lowMs!);
    // Ten times the rows and bytes: most of the time is per row or per byte, so the estimate grows several-fold.
    const bigger = new Map([...tables].map(([k, t]) => [k, k === 'public.pgsafe_cal' ? { ...t, rows: t.rows! * 10, heapBytes: t.heapBytes * 10 } : t]));
    const big = estimateStatement(stmt, bigger, DEFAULT_MODEL)!;
    expect(big.lowMs! / est.lowMs!).toBeGreaterThan(3);
  });

  it('pgsafe stats calibrate writes the fitted model into the snapshot, and lint says which model it used', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsafe-stats-cal-'));
    try {
      const snap = path.join(dir, 'snap.json');
      writeFileSync(snap, JSON.stringify(snapshot));
      const url = `postgresql://postgres@/postgres?host=${encodeURIComponent(cluster.dir)}`;
      const cal = spawnSync(process.execPath, [...cliArgs(), 'stats', 'calibrate', '--database-url', url, '--sizes', '10000,40000', '-o', snap], { cwd: ROOT, encoding: 'utf8' });
      expect(cal.stderr).toMatch(/create-index at 40000 rows: [\d.]+ ms/);
      expect(cal.status).toBe(0);
      const out = JSON.parse(readFileSync(snap, 'utf8')) as StatsSnapshot;
      expect(out.tables).toEqual(snapshot.tables);
      expect(out.model!.source).toBe('calibrated');
      expect(out.model!.measuredOn).toBe(`PG ${BINARIES.version}`);
      writeFileSync(path.join(dir, '001_base.sql'), 'CREATE TABLE pgsafe_cal (id bigint PRIMARY KEY, a int);\n');
      writeFileSync(path.join(dir, '002_index.sql'), 'CREATE INDEX pgsafe_cal_a ON pgsafe_cal (a);\n');
      const r = spawnSync(process.execPath, [...cliArgs(), 'lint', '--no-config', '--stats', snap, path.join(dir, '001_base.sql'), path.join(dir, '002_index.sql')], { cwd: ROOT, encoding: 'utf8' });
      expect(r.stdout).toMatch(/\[index-build, calibrated model \(PG 1\d/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('calibrate leaves no synthetic table behind and never drops one it did not make', async () => {
    expect((await client.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'pgsafe_cal%'`)).rows[0].n).toBe(0);
    await client.query('CREATE TABLE pgsafe_cal (mine int)');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsafe-stats-cal-'));
    try {
      const url = `postgresql://postgres@/postgres?host=${encodeURIComponent(cluster.dir)}`;
      const cal = spawnSync(process.execPath, [...cliArgs(), 'stats', 'calibrate', '--database-url', url, '--sizes', '10000,40000', '-o', path.join(dir, 's.json')], { cwd: ROOT, encoding: 'utf8' });
      expect(cal.status).toBe(2);
      expect(cal.stderr).toMatch(/^pgsafe: stats calibrate: relation "pgsafe_cal" already exists/);
      expect((await client.query(`SELECT count(*)::int AS n FROM pgsafe_cal`)).rows[0].n).toBe(0);
      await client.query('DROP TABLE pgsafe_cal');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('pgsafe lint --stats prints the estimate a reviewer can act on; the threshold moves the severity', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsafe-stats-lint-'));
    try {
      writeFileSync(path.join(dir, 'snap.json'), JSON.stringify(snapshot));
      writeFileSync(path.join(dir, '001_base.sql'), 'CREATE TABLE pgsafe_cal (id bigint PRIMARY KEY, parent_id int, a int, b varchar(10), c timestamptz, d text);\n');
      writeFileSync(path.join(dir, '002_index.sql'), 'CREATE INDEX pgsafe_cal_a ON pgsafe_cal (a);\n');
      const run = (...extra: string[]) => spawnSync(process.execPath, [...cliArgs(), 'lint', '--no-config', path.join(dir, '001_base.sql'), path.join(dir, '002_index.sql'), ...extra], { cwd: ROOT, encoding: 'utf8' });
      const r = run('--stats', path.join(dir, 'snap.json'));
      expect(r.stdout).toMatch(/est\. \d+–\d+ ms of blocked writes on "pgsafe_cal" \(100k rows, [\d.]+ MB; traffic not sampled\) \[index-build, default model/);
      expect(r.stdout).toMatch(/info \[require-concurrent-index-creation\]/);
      const strict = run('--stats', path.join(dir, 'snap.json'), '--stats-threshold', '1ms');
      expect(strict.stdout).toMatch(/error \[require-concurrent-index-creation\]/);
      expect(strict.status).toBe(1);
      const bad = run('--stats', path.join(dir, 'missing.json'));
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/^pgsafe: cannot read stats file .*missing\.json: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
