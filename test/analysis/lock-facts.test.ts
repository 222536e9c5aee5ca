// Every row of the lock table: its example hits that very row, and the statement's locks carry the
// row's modes per role. The oracle (test/oracle) checks the same examples against a real server.
import { beforeAll, describe, expect, it } from 'vitest';
import { Analyzer } from '../../src/analysis/analyzer.js';
import { LOCK_TABLE, factHolds, type LockFact } from '../../src/analysis/lock-table.js';
import { ACTION_KINDS } from '../../src/analysis/actions.js';
import { initParser, parseSource } from '../../src/source/index.js';

beforeAll(() => initParser());

function analyseExample(r: LockFact, pgVersion: number) {
  const a = new Analyzer({ pgVersion, assumeInTransaction: false });
  a.beginFile('setup.sql');
  for (const s of parseSource(r.example.setup ?? '').statements) a.apply(a.analyse(s));
  a.beginFile('migration.sql');
  const out = parseSource(r.example.sql).statements.map((s) => { const x = a.analyse(s); a.apply(x); return x; });
  return out.at(-1)!;
}

describe.each(LOCK_TABLE.map((r) => [r.id, r] as const))('%s', (_id, r) => {
  const pg = r.pg?.min ?? r.pg?.max ?? 15;
  it('its example hits the row', () => {
    const stmt = analyseExample(r, pg);
    const hit = stmt.actions.find((a) => a.fact === r.id);
    expect(hit, `actions: ${stmt.actions.map((a) => `${a.type}/${a.fact}`).join(', ')}`).toBeDefined();
    expect(hit!.cost).toBe(r.cost);
    for (const l of r.locks) {
      const rels = [...(hit!.relation && (hit!.role ?? 'target') === l.role ? [hit!.relation] : []), ...(hit!.also ?? []).filter((x) => x.role === l.role).map((x) => x.rel)];
      for (const rel of rels) expect(stmt.locks.find((x) => x.rel.key === rel.key)?.mode).toBe(l.mode);
    }
    if (r.noTransaction) expect(stmt.noTransaction).toBe(true);
    expect(stmt.unanalyzed).toBeUndefined();
  });
  it('has a manual link and a unique id', () => {
    expect(r.manual).toMatch(/^https:\/\/www\.postgresql\.org\/docs\//);
    expect(LOCK_TABLE.filter((x) => x.id === r.id)).toHaveLength(1);
  });
});

describe('lock table coverage', () => {
  it('has a row for every action kind', () => {
    const covered = new Set(LOCK_TABLE.map((r) => r.action));
    expect(ACTION_KINDS.filter((k) => !covered.has(k))).toEqual([]);
  });
  it('keeps Postgres version ranges in rows', () => {
    expect(factHolds('set-not-null-proven', 12)).toBe(true);
    expect(factHolds('set-not-null-proven', 11)).toBe(false);
  });
});
