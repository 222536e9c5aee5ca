// lint --stats without a server: a hand-made snapshot through the real lint pipeline.
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { lint, type FileResult } from '../../src/engine/engine.js';
import { annotateResults } from '../../src/stats/annotate.js';
import { checkSnapshot, type StatsSnapshot, type TableStats } from '../../src/stats/snapshot.js';
import { DEFAULT_MODEL, pointMs } from '../../src/stats/model.js';
import { fastest, fitModel, type Measurement } from '../../src/stats/calibrate.js';
import { reporters } from '../../src/report/index.js';

const GB = 1024 ** 3;
const table = (name: string, rows: number | null, heapBytes: number, traffic?: TableStats['traffic'], schema = 'public'): TableStats => ({
  schema, name, rows, heapBytes, indexBytes: 0.2 * heapBytes, toastBytes: 0, indexes: [{ name: `${name}_pkey`, bytes: 0.2 * heapBytes, columns: ['id'] }], ...(traffic ? { traffic } : {}),
});
const SNAP: StatsSnapshot = {
  pgsafeStats: 1,
  takenAt: '2026-12-02T12:00:00Z',
  server: { version: '15.18', major: 15, maxConnections: 100 },
  sampleSeconds: 10,
  tables: [
    table('orders', 48_000_000, 5.1 * GB, { readsPerSec: 900, writesPerSec: 350 }),
    table('settings', 300, 16384, { readsPerSec: 5, writesPerSec: 0.1 }),
    table('archive', 48_000_000, 5.1 * GB, { readsPerSec: 0, writesPerSec: 0 }),
    table('fresh', null, 0),
    table('only_in_production', 1_000_000_000, 100 * GB),
  ],
};
const BASE = `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, total numeric, created_at timestamptz);
CREATE TABLE settings (id int PRIMARY KEY, k text, v text);
CREATE TABLE archive (id bigint PRIMARY KEY, note text);
CREATE TABLE fresh (id int PRIMARY KEY, a int);
CREATE TABLE customers (id int PRIMARY KEY);`;

async function run(sql: string, snapshot: StatsSnapshot | null = SNAP): Promise<FileResult[]> {
  const results = await lint([{ path: 'base.sql', text: BASE, lint: false }, { path: 'up.sql', text: sql }], { rules, pgVersion: 15, assumeInTransaction: false });
  const linted = results.filter((r) => r.path === 'up.sql');
  return snapshot ? annotateResults(linted, { snapshot, thresholdMs: 1000 }) : linted;
}
const report = (files: FileResult[], format = 'pretty') => reporters[format]({ files, rules, color: false, cwd: '/' });

describe('lint --stats annotation', () => {
  it('a big busy table: the estimate, its size and traffic, and an error', async () => {
    const [r] = await run('CREATE INDEX orders_created_idx ON orders (created_at);');
    const f = r.findings.find((x) => x.rule === 'require-concurrent-index-creation')!;
    expect(f.estimate!.text).toMatch(/^est\. \d+(\.\d)?–\d+(\.\d)? (s|min) of blocked writes on "orders" \(48M rows, 6\.\d GB; ~350 writes\/s queue behind it\) \[index-build, default model/);
    expect(f.estimate!.op).toBe('index-build');
    expect(f.estimate!.highMs! / f.estimate!.lowMs!).toBeCloseTo(DEFAULT_MODEL.spread.high / DEFAULT_MODEL.spread.low, 5);
    expect(f.severity).toBe('error');
    expect(report([r])).toContain(f.estimate!.text);
  });

  it('a tiny table: info; a big quiet one: warning', async () => {
    const [small] = await run('CREATE INDEX settings_k_idx ON settings (k);');
    expect(small.findings.find((x) => x.rule === 'require-concurrent-index-creation')!.severity).toBe('info');
    expect(small.findings[0].estimate!.text).toMatch(/est\. \d+–\d+ ms of blocked writes on "settings" \(300 rows, 19 kB; ~<1 writes\/s/);
    const [quiet] = await run('CREATE INDEX archive_note_idx ON archive (note);');
    expect(quiet.findings.find((x) => x.rule === 'require-concurrent-index-creation')!.severity).toBe('warning');
  });

  it('a rewrite blocks reads and writes, and names both queues', async () => {
    const [r] = await run('ALTER TABLE orders ADD COLUMN token float8 DEFAULT random();');
    const f = r.findings.find((x) => x.estimate)!;
    expect(f.estimate!.op).toBe('rewrite');
    expect(f.estimate!.text).toMatch(/of blocked reads and writes on "orders" .*~350 writes\/s and ~900 reads\/s queue behind it/);
    expect(f.severity).toBe('error');
  });

  it('scans: SET NOT NULL is a seq scan, a foreign key a validation; catalog-only changes keep their severity', async () => {
    const [nn] = await run('ALTER TABLE orders ALTER COLUMN total SET NOT NULL;');
    expect(nn.findings.find((x) => x.estimate)!.estimate!.op).toBe('seq-scan');
    const [fk] = await run('ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);');
    expect(fk.findings.find((x) => x.estimate)!.estimate!.op).toBe('validation');
    const plain = await run('ALTER TABLE orders RENAME COLUMN total TO amount;', null);
    const [ren] = await run('ALTER TABLE orders RENAME COLUMN total TO amount;');
    expect(ren.findings.map((x) => x.severity)).toEqual(plain[0].findings.map((x) => x.severity));
    expect(ren.findings[0].estimate!.op).toBe('catalog');
    expect(ren.findings[0].estimate!.text).toMatch(/^catalog-only: blocks reads and writes on "orders"/);
  });

  it('tables the snapshot lacks read "size unknown" and keep their severity; snapshot-only tables are ignored', async () => {
    const plain = await run('CREATE INDEX customers_x ON customers (id); CREATE INDEX fresh_a ON fresh (a);', null);
    const [r] = await run('CREATE INDEX customers_x ON customers (id); CREATE INDEX fresh_a ON fresh (a);');
    expect(r.findings.map((x) => x.severity)).toEqual(plain[0].findings.map((x) => x.severity));
    expect(r.findings[0].estimate!.text).toBe('"customers": size unknown (not in the stats snapshot)');
    expect(r.findings.at(-1)!.estimate!.text).toMatch(/"fresh": size unknown \(never vacuumed or analysed/);
    expect(report([r])).not.toContain('only_in_production');
  });

  it('tables created in the migration get no estimate; without stats the output is unchanged', async () => {
    const [r] = await run('CREATE TABLE t (id int); CREATE INDEX t_id ON t (id);');
    expect(r.findings.filter((x) => x.estimate).map((x) => [x.rule, x.estimate!.text])).toEqual([]);
    const sql = 'CREATE INDEX orders_created_idx ON orders (created_at);';
    for (const format of ['pretty', 'json', 'sarif', 'markdown']) {
      const without = report(await run(sql, null), format);
      expect(without).not.toMatch(/est\. \d|"estimate"|of blocked/);
      expect(report(await run(sql), format)).toMatch(/est\. /);
    }
  });

  it('ignores, squawk-ignore included, still suppress', async () => {
    const [r] = await run('-- squawk-ignore require-concurrent-index-creation\nCREATE INDEX orders_created_idx ON orders (created_at);');
    expect(r.findings.map((x) => x.rule)).not.toContain('require-concurrent-index-creation');
  });

  it('json carries the estimate, sarif in properties; markdown puts the largest blocking first', async () => {
    const files = await run('CREATE INDEX settings_k_idx ON settings (k);\nALTER TABLE orders ADD COLUMN token float8 DEFAULT random();');
    const json = JSON.parse(report(files, 'json'));
    expect(json.files[0].findings.some((x: any) => x.estimate?.table === 'public.orders')).toBe(true);
    const sarif = JSON.parse(report(files, 'sarif'));
    expect(sarif.runs[0].results.some((x: any) => x.properties?.estimate?.op === 'rewrite')).toBe(true);
    const md = report(files, 'markdown');
    expect(md.indexOf('on "orders"')).toBeGreaterThan(0);
    expect(md.indexOf('on "orders"')).toBeLessThan(md.indexOf('on "settings"'));
  });

  it('inside a transaction the lock lasts until COMMIT: later statements add their time to the estimate', async () => {
    const sql = 'BEGIN;\nALTER TABLE orders ADD COLUMN flag boolean;\nUPDATE orders SET flag = false;\nCOMMIT;\nCREATE INDEX settings_k_idx ON settings (k);';
    const [r] = await run(sql);
    const add = r.findings.find((x) => x.line === 2 && x.estimate)!;
    const upd = r.findings.find((x) => x.line === 3 && x.estimate)!;
    // The ADD COLUMN itself is catalog-only; its ACCESS EXCLUSIVE is held while the backfill runs.
    expect(add.estimate!.untilCommit).toMatchObject({ statements: 1, notEstimated: 0, statementLowMs: 0 });
    expect(add.estimate!.lowMs).toBeCloseTo(upd.estimate!.lowMs!, 6);
    expect(add.estimate!.highMs).toBeCloseTo(upd.estimate!.highMs!, 6);
    expect(add.estimate!.text).toMatch(/^est\. [\d.]+–[\d.]+ (s|min) of blocked reads and writes on "orders" until COMMIT, with [\d.]+–[\d.]+ (s|min) for the 1 later statement of its transaction run while the lock is held; the statement itself: catalog-only/);
    expect(add.severity).toBe('error');
    // The last statement of a transaction, and one outside any, are estimated alone.
    expect(upd.estimate!.untilCommit).toBeUndefined();
    expect(r.findings.find((x) => x.line === 5 && x.estimate)!.estimate!.untilCommit).toBeUndefined();
    // Without BEGIN, each statement commits on its own: no COMMIT to wait for.
    const [auto] = await run('ALTER TABLE orders ADD COLUMN flag boolean;\nUPDATE orders SET flag = false;');
    expect(auto.findings.find((x) => x.line === 1 && x.estimate)!.estimate!.untilCommit).toBeUndefined();
  });

  it('a statement before one pgsafe cannot price says the total can be longer', async () => {
    const [r] = await run('BEGIN;\nCREATE INDEX orders_created_idx ON orders (created_at);\nUPDATE orders SET total = 0 WHERE id < 10;\nCOMMIT;');
    const e = r.findings.find((x) => x.line === 2 && x.estimate)!.estimate!;
    expect(e.untilCommit).toMatchObject({ statements: 1, notEstimated: 1 });
    expect(e.text).toMatch(/until COMMIT, with the 1 later statement of its transaction \(1 of them not estimated: the total can be longer\)/);
    expect(e.lowMs).toBe(e.untilCommit!.statementLowMs);
  });

  it("a foreign key: the referenced table is read and blocked too, and its size shows", async () => {
    const snap = (parentRows: number): StatsSnapshot => ({ ...SNAP, tables: [...SNAP.tables, table('customers', parentRows, parentRows * 40, { readsPerSec: 50, writesPerSec: 20 })] });
    const sql = 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);';
    const [small] = await run(sql, snap(1000));
    const [big] = await run(sql, snap(20_000_000));
    const es = small.findings.find((x) => x.estimate)!.estimate!;
    const eb = big.findings.find((x) => x.estimate)!.estimate!;
    expect(eb.related).toEqual([{ table: 'public.customers', known: true, rows: 20_000_000, blocks: 'writes', readsPerSec: 50, writesPerSec: 20 }]);
    expect(eb.text).toMatch(/; also blocks writes on "customers" \(20M rows, [\d.]+ MB; ~20 writes\/s queue behind it\) for the same time \[validation/);
    expect(eb.lowMs!).toBeGreaterThan(es.lowMs!);
    // Not in the snapshot: said so, and the estimate covers the table that is.
    const [unknown] = await run(sql);
    expect(unknown.findings.find((x) => x.estimate)!.estimate!.text).toMatch(/also blocks writes on "customers" \(size unknown: not in the stats snapshot\)/);
  });

  it('rejects what is not a snapshot', () => {
    expect(() => checkSnapshot({ tables: [] })).toThrow(/not a pgsafe stats snapshot/);
    expect(() => checkSnapshot({ pgsafeStats: 2, tables: [] })).toThrow(/version 2 is not supported/);
    expect(() => checkSnapshot({ pgsafeStats: 1, server: {}, tables: [{ name: 'x' }] })).toThrow(/tables\[0\]/);
  });
});

describe('the cost model', () => {
  it('reads the part of a table beyond shared buffers at the cold byte rate; the snapshot\'s shared_buffers wins', () => {
    const t = DEFAULT_MODEL.ops['seq-scan'];
    const warm = pointMs(DEFAULT_MODEL, { op: 'seq-scan', rows: 1e6, bytes: 1e8 });
    expect(warm).toBeCloseTo(t.overheadMs + 1000 * Math.max(1e6 / t.rowsPerSec, 1e8 / t.bytesPerSec), 6);
    const big = { op: 'seq-scan' as const, rows: 1e8, bytes: 1e10 };
    expect(pointMs(DEFAULT_MODEL, big)).toBeGreaterThan(100 * (warm - t.overheadMs));
    expect(pointMs(DEFAULT_MODEL, { ...big, cacheBytes: 2e10 })).toBeCloseTo(t.overheadMs + 100 * (warm - t.overheadMs), 3);
  });

  it('calibration recovers the throughput and fixed part of exact data, keeps the fastest run, and never fits a negative fixed part', () => {
    const at = (probe: string, op: Measurement['op'], rows: number, ms: number): Measurement => ({ probe, op, rows, bytes: rows * 100, ms });
    const data = [at('create-index', 'index-build', 1e5, 30 + 200), at('create-index', 'index-build', 1e6, 30 + 2000), at('create-index', 'index-build', 1e6, 9000)];
    const m = fitModel(fastest(data), 'test', 1e9);
    expect(m.ops['index-build'].rowsPerSec).toBe(500_000);
    expect(m.ops['index-build'].bytesPerSec).toBe(50_000_000);
    expect(m.ops['index-build'].overheadMs).toBe(30);
    expect(m.cacheBytes).toBe(1e9);
    const neg = fitModel([at('set-not-null', 'seq-scan', 1e5, 5), at('set-not-null', 'seq-scan', 1e6, 100)], 'test');
    expect(neg.ops['seq-scan'].overheadMs).toBe(0);
    expect(pointMs(neg, { op: 'seq-scan', rows: 1e6, bytes: 1e8 })).toBeGreaterThan(95);
    // A class with one size only keeps the default figures.
    expect(m.ops.rewrite).toEqual(DEFAULT_MODEL.ops.rewrite);
  });
});
