// `pgsafe replay --stats <snapshot> [--scale F]` on the real throwaway cluster: tables are seeded at the snapshot's
// row counts (scaled), and each statement the cost model prices carries the estimate beside the measured time. No
// assertion on how close they come (that is machine-dependent: scripts/stats-bench.mjs, docs/stats.md).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type LocalCluster } from '../../src/replay/cluster.js';
import { checkFits, seedRows } from '../../src/replay/stats-seed.js';
import { collectSnapshot } from '../../src/stats/collect.js';
import type { StatsSnapshot, TableStats } from '../../src/stats/snapshot.js';
import { BINARIES, cliArgs, migrations, PROVIDER, removeDir, replay, ROOT } from '../replay/helpers.js';

const table = (name: string, rows: number | null, heapBytes: number): TableStats => ({ schema: 'public', name, rows, heapBytes, indexBytes: heapBytes / 4, toastBytes: 0, indexes: [] });
const snapshot = (tables: TableStats[]): StatsSnapshot => ({ pgsafeStats: 1, takenAt: '2026-12-02T12:00:00Z', server: { version: '15.18', major: 15, maxConnections: 100, sharedBuffersBytes: 8 * 1024 ** 3 }, sampleSeconds: 0, tables });

const FILES = {
  '001_base.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int);\nCREATE TABLE audit (id bigint PRIMARY KEY);\n',
  '002_change.sql': 'CREATE INDEX orders_user_id_idx ON orders (user_id);\nALTER TABLE orders ALTER COLUMN total SET NOT NULL;\nALTER TABLE orders RENAME COLUMN total TO amount;\nALTER TABLE audit ADD COLUMN note text;\n',
};
// 4M orders and 20k users in "production"; replayed at 1/200.
const SNAP = snapshot([table('orders', 4_000_000, 200 * 1024 ** 2), table('users', 20_000, 2 * 1024 ** 2), table('not_in_the_migrations', 9_000_000, 1024 ** 3)]);

describe('replay --stats', () => {
  let dir: string;
  beforeAll(() => {
    dir = migrations(FILES);
    writeFileSync(path.join(dir, 'snap.json'), JSON.stringify(SNAP));
  });
  afterAll(() => removeDir(dir));

  it('seeds each touched table at the snapshot rows × scale and sets the estimate beside the measurement', async () => {
    const report = await replay({ paths: [dir], stats: { snapshot: SNAP, source: 'snap.json', scale: 0.005 }, rows: 7, maxBlockingMs: 60_000, provider: PROVIDER, seedCache: false });
    const rows = Object.fromEntries(report.seed!.tables.map((t) => [t.table, t.rows]));
    // users is seeded as the parent of orders.user_id, at its own snapshot rows × scale; audit is touched but not
    // in the snapshot: --rows, and the report says so.
    expect(rows).toEqual({ orders: 20_000, users: 100, audit: 7 });
    expect(report.stats).toMatchObject({ source: 'snap.json', scale: 0.005, model: expect.stringMatching(/^default model/), missing: ['audit'], compared: 2 });
    const st = report.files[0].statements;
    const idx = st.find((s) => s.sql.startsWith('CREATE INDEX'))!;
    expect(idx.estimate).toMatchObject({ table: 'public.orders', op: 'index-build', model: expect.stringMatching(/^default model/), rows: 20_000, measuredMs: idx.durationMs });
    expect(idx.estimate!.lowMs).toBeGreaterThan(0);
    expect(idx.estimate!.highMs).toBeGreaterThan(idx.estimate!.lowMs);
    expect(idx.estimate!.ratio).toBeCloseTo(idx.durationMs / idx.estimate!.pointMs, 6);
    // At the snapshot's own size the estimate is for 4M rows: larger than the one for the seeded 20k.
    expect(idx.estimate!.production!.rows).toBe(4_000_000);
    expect(idx.estimate!.production!.lowMs).toBeGreaterThan(idx.estimate!.highMs);
    expect(st.find((s) => s.sql.includes('SET NOT NULL'))!.estimate!.op).toBe('seq-scan');
    // Catalog-only statements have no duration to estimate.
    expect(st.find((s) => s.sql.includes('RENAME'))!.estimate).toBeUndefined();
  }, 120_000);

  it('the CLI prints measured against estimated, in pretty, json and markdown', () => {
    const run = (...extra: string[]) => spawnSync(process.execPath, [...cliArgs(), 'replay', '--no-config', '--no-progress', '--no-seed-cache', '--max-blocking', '60000', '--stats', 'snap.json', '--scale', '0.005', '001_base.sql', '002_change.sql', ...extra], { cwd: dir, encoding: 'utf8' });
    const pretty = run();
    expect(pretty.stderr).toBe('');
    expect(pretty.stdout).toMatch(/^stats: snap\.json \(taken 2026-12-02\), rows at --scale 0\.005 of the snapshot's counts; estimates from the default model \(.*\); \d of 2 measured within 2× of the estimate, \d inside its range; not in the snapshot \(seeded at --rows\): audit$/m);
    expect(pretty.stdout).toMatch(/ {6}estimate: measured [\d.]+ m?s against est\. [\d.]+–[\d.]+ m?s at 20k rows \([\d.]+× the point estimate, (within 2×|slower than 2× the estimate|faster than half the estimate)\) \[index-build, default model/);
    expect(pretty.stdout).toMatch(/ {16}at the snapshot's size \(4M rows, [\d.]+ MB; replayed at --scale 0\.005\): est\. /);
    const json = JSON.parse(run('--format', 'json').stdout);
    expect(json.stats.scale).toBe(0.005);
    expect(json.files[0].statements[0].estimate.op).toBe('index-build');
    const md = run('--format', 'markdown').stdout;
    expect(md).toMatch(/### Measured against estimated[\s\S]*\| `002_change\.sql:1` \| index-build \| 20,000 \| [\d.]+ m?s \| [\d.]+–[\d.]+ m?s \| [\d.]+ \| [\d.]+–[\d.]+ (s|ms|min) at 4M rows \|/);
  }, 180_000);

  it('rejects bad input with one line and exit 2', () => {
    writeFileSync(path.join(dir, 'bad.json'), '{"tables": []}');
    const cases: [string[], RegExp][] = [
      [['--scale', '0.1'], /^pgsafe replay: --scale needs --stats/],
      [['--stats', 'snap.json', '--scale', '2'], /^pgsafe replay: --scale: expected a fraction such as 0\.1 \(0 < F ≤ 1\), got "2"/],
      [['--stats', 'snap.json', '--scale', 'half'], /^pgsafe replay: --scale: expected a fraction/],
      [['--stats', 'missing.json'], /^pgsafe replay: cannot read stats file missing\.json: ENOENT/],
      [['--stats', 'bad.json'], /^pgsafe replay: stats file bad\.json: not a pgsafe stats snapshot/],
      [['--stats', 'snap.json', '--stats-from', 'postgres://x@127.0.0.1:1/db'], /^pgsafe replay: --stats and --stats-from: give one/],
    ];
    for (const [args, expected] of cases) {
      const r = spawnSync(process.execPath, [...cliArgs(), 'replay', '--no-config', '--no-progress', ...args, '001_base.sql', '002_change.sql'], { cwd: dir, encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(expected);
    }
  });

  it('a snapshot the machine cannot hold: stops before seeding and says which --scale fits', () => {
    const huge = { snapshot: snapshot([table('orders', 40_000_000_000, 2 * 1024 ** 5)]), source: 'x', scale: 1 };
    expect(() => checkFits(huge, ['orders'], ROOT)).toThrow(/--stats: the tables the migrations touch hold 5120 TB in the snapshot; at --scale 1 that needs about 5120 TB \(with room for one rewrite\), more than the [\d.]+ [GT]B free in .*: rerun with --scale (0\.0+[1-9]|[1-9]e-\d+)$/);
    expect(() => checkFits({ ...huge, scale: 1e-9 }, ['orders'], ROOT)).not.toThrow();
    // The scale it suggests fits.
    const suggested = Number(/--scale (\S+)$/.exec((() => { try { checkFits(huge, ['orders'], ROOT); return ''; } catch (e) { return (e as Error).message; } })())![1]);
    expect(() => checkFits({ ...huge, scale: suggested }, ['orders'], ROOT)).not.toThrow();
    expect(seedRows({ snapshot: snapshot([table('a', 1001, 0), table('b', null, 0)]), source: 'x', scale: 0.5 })).toEqual({ 'public.a': 501 });
  });

  describe('--stats-from (deprecated): the same path, with a snapshot taken at the start', () => {
    let real: LocalCluster;
    beforeAll(async () => {
      real = await startCluster({ binaries: BINARIES });
      const c = new pg.Client(real.clientConfig());
      await c.connect();
      await c.query('CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int); INSERT INTO orders SELECT g, g, g FROM generate_series(1, 3000) g; ANALYZE');
      await c.end();
    }, 60_000);
    afterAll(() => real?.stop());

    it('seeds at reltuples, estimates, and says it is deprecated', async () => {
      const url = `postgres://postgres@localhost/postgres?host=${encodeURIComponent(real.dir)}`;
      const r = spawnSync(process.execPath, [...cliArgs(), 'replay', '--no-config', '--no-progress', '--no-seed-cache', '--max-blocking', '60000', '--format', 'json', '--stats-from', url, '001_base.sql', '002_change.sql'], { cwd: dir, encoding: 'utf8' });
      expect(r.stderr).toMatch(/^pgsafe replay: --stats-from is deprecated: take the snapshot once with `pgsafe stats --database-url … -o pgsafe-stats\.json` and pass `--stats pgsafe-stats\.json`/);
      const json = JSON.parse(r.stdout);
      expect(json.seed.tables.find((t: { table: string }) => t.table === 'orders').rows).toBe(3000);
      expect(json.stats.source).toBe('--stats-from (a snapshot taken now)');
      expect(json.files[0].statements[0].estimate.rows).toBe(3000);
      // The snapshot of the live database is the one `pgsafe stats` takes.
      const c = new pg.Client(real.clientConfig());
      await c.connect();
      try {
        expect((await collectSnapshot(c, { sampleMs: 0 })).tables.map((t) => [t.name, t.rows])).toEqual([['orders', 3000]]);
      } finally {
        await c.end();
      }
    }, 120_000);
  });
});
