import { describe, expect, it } from 'vitest';
import { formatReport } from '../../src/replay/format.js';
import { tempMigrations, statementsOf as statements, PROVIDER, replay } from './helpers.js';

// Real Postgres, small tables: backfills and faults of issue 15 (bugs 3, 4, 9).
const mk = tempMigrations();

describe('replay: backfills block writes through row locks (issue 15, bug 3)', () => {
  // RETURNING pg_sleep makes 1,000 rows take about a second, with each row locked from its update to the end.
  it('a full-table UPDATE is measured blocking writes, and unbatched-backfill is confirmed', async () => {
    const dir = mk({ '001.sql': `CREATE TABLE t (id int PRIMARY KEY, a int);\n`, '002.sql': `UPDATE t SET a = 1 RETURNING pg_sleep(0.001);\n` });
    const r = await replay({ paths: [dir], rows: 1000, maxBlockingMs: 200, provider: PROVIDER });
    const [s] = statements(r);
    expect(s.blocked.writesMs).toBeGreaterThan(200);
    expect(s.blocked.writesByRowLocks).toBe(true);
    expect(s.blocked.readsMs).toBe(0);
    expect(s.static).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'unbatched-backfill', verdict: 'confirmed' })]));
    expect(r.findings).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'replay-blocking' })]));
  }, 60_000);

  it('an UPDATE of a key range in the middle of the table: probes the rows its WHERE selects', async () => {
    const dir = mk({ '001.sql': `CREATE TABLE t (id int PRIMARY KEY, a int);\n`, '002.sql': `UPDATE t SET a = 1 WHERE id BETWEEN 400 AND 600 RETURNING pg_sleep(0.002);\n` });
    const r = await replay({ paths: [dir], rows: 1000, maxBlockingMs: 1000, provider: PROVIDER });
    const [s] = statements(r);
    expect(s.blocked.writesMs).toBeGreaterThan(100);
    expect(s.blocked.writesByRowLocks).toBe(true);
    expect(s.waits.filter((w) => w.locktype === 'relation')).toEqual([]);
  }, 60_000);
});

describe('replay: faults (issue 15, bug 9)', () => {
  it('after a failure, the statements not run are listed and the rolled-back transaction is said', async () => {
    const dir = mk({
      '001.sql': `CREATE TABLE t (id int PRIMARY KEY);\n`,
      '002.sql': `ALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN b int;\n`,
      '003.sql': `ALTER TABLE t ADD COLUMN c int;\n`,
    });
    const r = await replay({ paths: [dir], pending: '002.sql', rows: 100, maxBlockingMs: 1000, assumeInTransaction: true, provider: PROVIDER });
    const [first, failed, notRun] = r.files[0].statements.filter((s) => s.mode !== 'transaction-control' || s.sql === 'COMMIT');
    expect(first.error).toBeUndefined();
    expect(failed.error?.code).toBe('42701');
    expect(failed.notes).toEqual(expect.arrayContaining([expect.stringContaining('the transaction was rolled back: the 1 earlier statement(s) of it did not take effect')]));
    expect(notRun.mode).toBe('not-run');
    expect(r.files[0].statements.at(-1)).toEqual(expect.objectContaining({ sql: 'COMMIT', mode: 'not-run' }));
    expect(r.files[1].statements.map((s) => s.mode)).toEqual(['not-run', 'not-run', 'not-run']);
    const md = formatReport(r, 'markdown');
    expect(md).toMatch(/\*\*not run\*\*/);
    expect(md.split('\n')[2]).toMatch(/^\*\*❌ .*1 statement\(s\) failed/);
  }, 60_000);

  it('an empty or comment-only pending file starts no server', async () => {
    const dir = mk({ '001.sql': `CREATE TABLE t (id int PRIMARY KEY);\n`, '002.sql': `-- nothing yet\n/* really */\n` });
    const r = await replay({ paths: [dir], rows: 100, maxBlockingMs: 1000, provider: PROVIDER });
    expect(r.server).toBeNull();
    expect(r.seed).toBeNull();
    expect(r.notes).toEqual([expect.stringContaining('nothing to replay, no server started')]);
    expect(formatReport(r, 'pretty')).toMatch(/no server started/);
  });

  it('syntax a newer Postgres accepts gets a version hint', async () => {
    const dir = mk({ '001.sql': `CREATE TABLE t (id int PRIMARY KEY, a int, b int GENERATED ALWAYS AS (a) STORED);\n`, '002.sql': `ALTER TABLE t ALTER COLUMN b SET EXPRESSION AS (a * 2);\n` });
    const r = await replay({ paths: [dir], rows: 100, maxBlockingMs: 1000, provider: PROVIDER });
    const [s] = statements(r);
    expect(s.error?.code).toBe('42601');
    expect(s.notes).toEqual(expect.arrayContaining([expect.stringMatching(/PostgreSQL 15 server does not: .*--pg-version/)]));
  }, 60_000);
});

describe('replay: --simulate-long-transaction holds a snapshot', () => {
  it('CREATE INDEX CONCURRENTLY waits for the open REPEATABLE READ transaction', async () => {
    const dir = mk({ '001.sql': `CREATE TABLE t (id int PRIMARY KEY, a int);\n`, '002.sql': `CREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n` });
    const r = await replay({ paths: [dir], rows: 1000, maxBlockingMs: 5000, simulateLongTransactionMs: 1500, provider: PROVIDER });
    const [s] = statements(r);
    expect(s.mode).toBe('outside-transaction');
    expect(s.durationMs).toBeGreaterThan(1000);
    expect(s.waits).toEqual(expect.arrayContaining([expect.objectContaining({ locktype: 'virtualxid', ms: expect.any(Number) })]));
    expect(s.waits.find((w) => w.locktype === 'virtualxid')!.ms).toBeGreaterThan(800);
  }, 60_000);
});
