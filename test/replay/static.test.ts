import { afterAll, describe, expect, it } from 'vitest';
import { judge, type StaticFinding } from '../../src/replay/static.js';
import type { StatementTrace } from '../../src/replay/trace-types.js';
import { migrations, removeDir, PROVIDER, replay } from './helpers.js';

function trace(over: Partial<StatementTrace>): StatementTrace {
  return {
    line: 1, column: 1, endLine: 1, sql: 'ALTER TABLE big …', kind: 'AlterTableStmt', mode: 'traced', inTransaction: false, durationMs: 300,
    locks: [], heldLocks: [], waits: [], rewrites: [], scans: [], blocked: { readsMs: 0, writesMs: 0 }, lockTimeoutMs: 0, notes: [], ...over,
  };
}
const finding = (rule: string, category = 'lock'): StaticFinding => ({ rule, severity: 'error', message: 'm', line: 1, column: 1, category });
const rows = new Map([['big', 1_000_000]]);

describe('lint findings judged by what replay saw', () => {
  it('a rewrite the trace saw is confirmed with its time and row count; none is a refutation', () => {
    const seen = trace({ durationMs: 2100, locks: [{ relation: 'big', mode: 'AccessExclusiveLock' }], rewrites: [{ relation: 'big', kind: 'table' }] });
    expect(judge(finding('adding-field-with-default'), seen, rows)).toEqual(expect.objectContaining({ verdict: 'confirmed', evidence: 'rewrite confirmed: big rewritten in 2.1 s at 1,000,000 rows' }));
    const none = trace({ locks: [{ relation: 'big', mode: 'AccessExclusiveLock' }] });
    expect(judge(finding('changing-column-type'), none, rows)).toEqual(expect.objectContaining({ verdict: 'refuted', evidence: 'rewrite refuted: no relation was rewritten (300 ms at 1,000,000 rows)' }));
  });

  it('SET NOT NULL without a scan (a validated CHECK exists) refutes the scan claim', () => {
    const s = trace({ locks: [{ relation: 'big', mode: 'AccessExclusiveLock' }] });
    expect(judge(finding('adding-not-nullable-field'), s, rows)?.verdict).toBe('refuted');
  });

  it('an index build is confirmed by its ShareLock; CONCURRENTLY in a transaction by the refusal', () => {
    expect(judge(finding('require-concurrent-index-creation'), trace({ locks: [{ relation: 'big', mode: 'ShareLock' }] }), rows)?.verdict).toBe('confirmed');
    expect(judge(finding('require-concurrent-index-creation'), trace({ locks: [{ relation: 'big', mode: 'ShareUpdateExclusiveLock' }] }), rows)?.verdict).toBe('refuted');
    const refused = trace({ error: { code: '25001', message: 'CREATE INDEX CONCURRENTLY cannot run inside a transaction block' } });
    expect(judge(finding('ban-concurrent-index-creation-in-transaction'), refused, rows)?.verdict).toBe('confirmed');
  });

  it('a name that needs quotes is quoted once in the evidence ("Worker", not ""Worker"")', () => {
    const s = trace({ locks: [{ relation: '"Worker"', mode: 'AccessExclusiveLock' }] });
    expect(judge(finding('require-lock-timeout'), s, rows)?.evidence).toBe('confirmed: AccessExclusiveLock on "Worker" with no lock_timeout');
  });

  it('a lock_timeout in force refutes require-lock-timeout', () => {
    const s = trace({ locks: [{ relation: 'big', mode: 'AccessExclusiveLock' }], lockTimeoutMs: 100 });
    expect(judge(finding('require-lock-timeout'), s, rows)?.verdict).toBe('refuted');
    expect(judge(finding('require-lock-timeout'), { ...s, lockTimeoutMs: 0 }, rows)?.verdict).toBe('confirmed');
  });

  it('a lock held a few ms, blocking nothing, is negligible at the seeded size (issue 15, bug 8)', () => {
    const quick = trace({ locks: [{ relation: 'big', mode: 'ShareLock' }], durationMs: 1 });
    expect(judge(finding('require-concurrent-index-creation'), quick, new Map([['big', 10_000]]))).toEqual(expect.objectContaining({ verdict: 'negligible', evidence: 'observed: 1 ms at 10,000 rows, negligible' }));
    expect(judge(finding('require-concurrent-index-creation'), { ...quick, durationMs: 250 }, rows)?.verdict).toBe('confirmed');
  });

  it('compat and hygiene findings get no verdict', () => {
    expect(judge(finding('ban-drop-column', 'compat'), trace({}), rows)).toBeUndefined();
    expect(judge(finding('ban-char-field', 'hygiene'), trace({}), rows)).toBeUndefined();
  });
});

describe('replay runs the lint engine on the same files (real Postgres)', () => {
  let dir: string;
  afterAll(() => dir && removeDir(dir));
  it('confirms a type-change rewrite and reports it as a finding with the lint rule id', async () => {
    dir = migrations({
      '001.sql': `CREATE TABLE big (id bigint PRIMARY KEY, a int, b varchar(10));\n`,
      '002.sql': `SET lock_timeout = '2s';\nALTER TABLE big ALTER COLUMN a TYPE bigint;\nALTER TABLE big ALTER COLUMN b TYPE varchar(20);\n`,
    });
    const report = await replay({ paths: [dir], rows: 20_000, maxBlockingMs: 60_000, provider: PROVIDER });
    const [, change, widen] = report.files[0].statements;
    expect(change.rewrites.map((r) => r.relation)).toContain('big');
    expect(change.static).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'changing-column-type', verdict: 'confirmed', evidence: expect.stringMatching(/^rewrite confirmed: big, big_pkey rewritten in \d+ ms at 20,000 rows/) })]));
    expect(widen.rewrites).toEqual([]);
    expect((widen.static ?? []).filter((v) => v.rule === 'changing-column-type' && v.verdict === 'confirmed')).toEqual([]);
    expect(report.findings).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'changing-column-type', line: 2, severity: 'error', message: expect.stringContaining('rewrite confirmed') })]));
  }, 60_000);
});
