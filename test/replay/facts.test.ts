import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayReport } from '../../src/replay/replay.js';
import type { StatementTrace } from '../../src/replay/trace-types.js';
import { clusterDirsOf, migrations, removeDir, serversOf, PROVIDER, replay } from './helpers.js';

// Real Postgres through the local-binaries provider: the facts of notes/postgres-facts.md, at small row counts.
const BASE = `
CREATE TABLE parent (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE big (id bigint PRIMARY KEY, parent_id int REFERENCES parent (id), a int, b varchar(10), c timestamptz, d text);
`;

function find(report: ReplayReport, pattern: RegExp): StatementTrace {
  const s = report.files.flatMap((f) => f.statements).find((x) => pattern.test(x.sql));
  if (!s) throw new Error(`no traced statement matches ${pattern}`);
  return s;
}

const has = (s: StatementTrace, relation: string, mode: string) => s.locks.some((l) => l.relation === relation && l.mode === mode);

describe('replay observes what Postgres does (local binaries, 200k rows)', () => {
  let dir: string;
  let report: ReplayReport;
  beforeAll(async () => {
    dir = migrations({
      '001_base.sql': BASE,
      '002_pending.sql': `
ALTER TABLE big ADD COLUMN e int DEFAULT 0;
ALTER TABLE big ADD COLUMN f float8 DEFAULT random();
ALTER TABLE big ALTER COLUMN c SET NOT NULL;
CREATE INDEX big_d_idx ON big (d);
CREATE INDEX CONCURRENTLY big_b_idx ON big (b);
ALTER TABLE big ADD CONSTRAINT big_a_check CHECK (a > 0) NOT VALID;
ALTER TABLE big VALIDATE CONSTRAINT big_a_check;
ALTER TABLE big DROP CONSTRAINT big_parent_id_fkey;
ALTER TABLE big ADD CONSTRAINT big_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id);
DROP TABLE parent CASCADE;
`,
    });
    report = await replay({ paths: [dir], rows: 200_000, rowsFor: { parent: 1000 }, maxBlockingMs: 1000, provider: PROVIDER });
  }, 120_000);
  afterAll(() => removeDir(dir));

  it('reports the server and the seeded rows', () => {
    expect(report.server?.provider).toBe(PROVIDER);
    expect(report.server?.version).toMatch(/^\d+\.\d+/);
    expect(report.seed?.warnings).toEqual([]);
    expect(report.seed?.tables).toEqual(expect.arrayContaining([expect.objectContaining({ table: 'big', rows: 200_000 }), expect.objectContaining({ table: 'parent', rows: 1000 })]));
    expect(report.files.map((f) => f.path)).toEqual([expect.stringMatching(/002_pending\.sql$/)]);
  });

  it('ADD COLUMN with a constant default: AccessExclusiveLock, no rewrite, no scan', () => {
    const s = find(report, /ADD COLUMN e int DEFAULT 0/);
    expect(has(s, 'big', 'AccessExclusiveLock')).toBe(true);
    expect(s.rewrites).toEqual([]);
    expect(s.scans).toEqual([]);
  });

  it('ADD COLUMN with a volatile default rewrites the table and its indexes, blocking reads and writes', () => {
    const s = find(report, /DEFAULT random\(\)/);
    expect(has(s, 'big', 'AccessExclusiveLock')).toBe(true);
    expect(s.rewrites.map((r) => r.relation)).toEqual(expect.arrayContaining(['big', 'big_pkey']));
    expect(s.scans.find((x) => x.relation === 'big')?.seqScans).toBeGreaterThanOrEqual(1);
    expect(s.blocked.readsMs).toBeGreaterThan(0);
    expect(s.blocked.writesMs).toBeGreaterThan(0);
    expect(s.locks.every((l) => !l.relation.startsWith('oid '))).toBe(true);
  });

  it('SET NOT NULL scans the table without rewriting it', () => {
    const s = find(report, /SET NOT NULL/);
    expect(has(s, 'big', 'AccessExclusiveLock')).toBe(true);
    expect(s.rewrites).toEqual([]);
    expect(s.scans).toEqual([expect.objectContaining({ relation: 'big', seqScans: 1, rowsRead: 200_000 })]);
  });

  it('CREATE INDEX takes ShareLock and blocks writes, not reads', () => {
    const s = find(report, /CREATE INDEX big_d_idx/);
    expect(has(s, 'big', 'ShareLock')).toBe(true);
    expect(has(s, 'big', 'AccessExclusiveLock')).toBe(false);
    expect(s.blocked.writesMs).toBeGreaterThan(Math.min(40, s.durationMs / 3));
    expect(s.blocked.readsMs).toBe(0);
  });

  it('CREATE INDEX CONCURRENTLY runs outside a transaction and blocks neither reads nor writes', () => {
    const s = find(report, /CONCURRENTLY/);
    expect(s.mode).toBe('outside-transaction');
    expect(has(s, 'big', 'ShareUpdateExclusiveLock')).toBe(true);
    expect(has(s, 'big', 'ShareLock')).toBe(false);
    expect(s.blocked.readsMs).toBe(0);
    // one 20 ms probe timeout is within noise; a blocking build would show its whole duration
    expect(s.blocked.writesMs).toBeLessThanOrEqual(25);
    expect(s.scans[0]).toEqual(expect.objectContaining({ relation: 'big', seqScans: 2 }));
  });

  it('CHECK NOT VALID is instant; VALIDATE takes ShareUpdateExclusiveLock and scans', () => {
    const add = find(report, /CHECK \(a > 0\) NOT VALID/);
    expect(has(add, 'big', 'AccessExclusiveLock')).toBe(true);
    expect(add.scans).toEqual([]);
    const validate = find(report, /VALIDATE CONSTRAINT big_a_check/);
    expect(has(validate, 'big', 'ShareUpdateExclusiveLock')).toBe(true);
    expect(has(validate, 'big', 'AccessExclusiveLock')).toBe(false);
    expect(validate.scans).toEqual([expect.objectContaining({ relation: 'big', seqScans: 1 })]);
  });

  it('DROP CONSTRAINT of a FK locks both tables AccessExclusive; ADD FOREIGN KEY takes ShareRowExclusiveLock on both', () => {
    const drop = find(report, /DROP CONSTRAINT big_parent_id_fkey/);
    expect(has(drop, 'big', 'AccessExclusiveLock')).toBe(true);
    expect(has(drop, 'parent', 'AccessExclusiveLock')).toBe(true);
    const fk = find(report, /ADD CONSTRAINT big_parent_fk/);
    expect(has(fk, 'big', 'ShareRowExclusiveLock')).toBe(true);
    expect(has(fk, 'parent', 'ShareRowExclusiveLock')).toBe(true);
    expect(fk.scans.map((x) => x.relation)).toEqual(expect.arrayContaining(['big', 'parent']));
  });

  it('DROP TABLE keeps the names of what it dropped', () => {
    const s = find(report, /DROP TABLE parent/);
    expect(has(s, 'parent', 'AccessExclusiveLock')).toBe(true);
    expect(has(s, 'parent_pkey', 'AccessExclusiveLock')).toBe(true);
    expect(s.locks.every((l) => !l.relation.startsWith('oid '))).toBe(true);
  });

  it('leaves no server and no temp dir behind', () => {
    expect(clusterDirsOf(process.pid)).toEqual([]);
    expect(serversOf(process.pid)).toEqual([]);
  });
});

describe('transactions, lock queues and lock_timeout', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDir));

  it('a statement inside BEGIN … COMMIT lists the locks earlier statements still hold', async () => {
    const dir = migrations({
      '001_base.sql': BASE,
      '002_tx.sql': `BEGIN;\nALTER TABLE big ADD COLUMN e int;\nUPDATE big SET e = 1 WHERE id < 10;\nCOMMIT;\n`,
    });
    dirs.push(dir);
    const report = await replay({ paths: [dir], rows: 20_000, maxBlockingMs: 1000, provider: PROVIDER });
    const update = find(report, /UPDATE big/);
    expect(update.inTransaction).toBe(true);
    expect(update.heldLocks).toEqual(expect.arrayContaining([{ relation: 'big', mode: 'AccessExclusiveLock' }]));
    expect(has(update, 'big', 'AccessExclusiveLock')).toBe(false);
    expect(find(report, /ADD COLUMN e int/).locks).toEqual(expect.arrayContaining([{ relation: 'big', mode: 'AccessExclusiveLock' }]));
  }, 60_000);

  it('an "instant" ADD COLUMN queued behind a long transaction blocks reads and writes for that long', async () => {
    const dir = migrations({ '001_base.sql': BASE, '002.sql': `ALTER TABLE big ADD COLUMN e int DEFAULT 0;\n` });
    dirs.push(dir);
    const report = await replay({ paths: [dir], rows: 20_000, maxBlockingMs: 300, simulateLongTransactionMs: 3000, provider: PROVIDER });
    const s = find(report, /ADD COLUMN/);
    expect(s.waits.find((w) => w.on === 'big' && w.mode === 'AccessExclusiveLock')?.ms).toBeGreaterThan(500);
    expect(s.blocked.readsMs).toBeGreaterThan(500);
    expect(s.blocked.writesMs).toBeGreaterThan(500);
    expect(s.notes).toEqual(expect.arrayContaining([expect.stringMatching(/with no lock_timeout.*SET lock_timeout = '300ms' bounds that to about 300 ms$/)]));
    expect(report.findings.filter((f) => f.rule.startsWith('replay-'))).toEqual([
      expect.objectContaining({ rule: 'replay-blocking', severity: 'error', message: expect.stringContaining("SET lock_timeout = '300ms'") }),
    ]);
  }, 60_000);

  it('with SET lock_timeout the DDL gives up and the application is blocked only that long', async () => {
    const dir = migrations({ '001_base.sql': BASE, '002.sql': `SET lock_timeout = '100ms';\nALTER TABLE big ADD COLUMN e int DEFAULT 0;\n` });
    dirs.push(dir);
    const report = await replay({ paths: [dir], rows: 20_000, maxBlockingMs: 300, simulateLongTransactionMs: 800, provider: PROVIDER });
    const s = find(report, /ADD COLUMN/);
    expect(s.lockTimeoutMs).toBe(100);
    expect(s.error?.code).toBe('55P03');
    expect(Math.max(s.blocked.readsMs, s.blocked.writesMs)).toBeLessThan(300);
    expect(report.findings.filter((f) => f.rule.startsWith('replay-'))).toEqual([expect.objectContaining({ rule: 'replay-statement-failed', severity: 'warning' })]);
  }, 60_000);
});
