import { beforeAll, describe, expect, it } from 'vitest';
import { checkBoundsColumn, whereSelectivity } from '../../src/analysis/predicates.js';
import { initParser, parseSource } from '../../src/source/index.js';

beforeAll(async () => { await initParser(); });

const where = (sql: string) => parseSource(sql).statements[0].node.whereClause;
const check = (expr: string) => parseSource(`ALTER TABLE t ADD CHECK (${expr});`).statements[0].node.cmds[0].AlterTableCmd.def.Constraint.raw_expr;

describe('whereSelectivity', () => {
  it.each([
    ['UPDATE t SET a = 1', 'none'],
    ['UPDATE t SET a = 1 WHERE id = 7', 'selective'],
    ["UPDATE t SET a = 1 WHERE code IN ('a', 'b')", 'selective'],
    ['UPDATE t SET a = 1 WHERE id BETWEEN 1 AND 1000', 'selective'],
    ['UPDATE t SET a = 1 WHERE 1000 > id AND id >= 0', 'selective'],
    ['UPDATE t SET a = 1 WHERE id IN (SELECT id FROM t WHERE a IS NULL LIMIT 500)', 'selective'],
    ['UPDATE t SET a = 1 WHERE id = $1', 'selective'],
    ['UPDATE t SET a = 1 WHERE a IS NULL', 'broad'],
    ['UPDATE t SET a = 1 WHERE id > 1000', 'broad'],
    ['UPDATE t SET a = 1 WHERE flag = true', 'broad'],
    ['UPDATE t SET a = 1 WHERE id = 1 OR a IS NULL', 'broad'],
    ['UPDATE t SET a = u.b FROM u WHERE t.id = u.id', 'broad'],
    ['DELETE FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id)', 'broad'],
  ])('%s → %s', (sql, want) => {
    expect(whereSelectivity(where(sql))).toBe(want);
  });
});

describe('checkBoundsColumn', () => {
  it('needs both bounds on the key for a range partition', () => {
    expect(checkBoundsColumn(check("d >= '2024-01-01' AND d < '2025-01-01'"), 'd', 'range')).toBe(true);
    expect(checkBoundsColumn(check("d BETWEEN '2024-01-01' AND '2024-12-31'"), 'd', 'range')).toBe(true);
    expect(checkBoundsColumn(check("d >= '2024-01-01'"), 'd', 'range')).toBe(false);
    expect(checkBoundsColumn(check("x >= 1 AND x < 2"), 'd', 'range')).toBe(false);
  });
  it('needs = or IN on the key for a list partition, and never proves a hash bound', () => {
    expect(checkBoundsColumn(check("region IN ('de', 'fr')"), 'region', 'list')).toBe(true);
    expect(checkBoundsColumn(check("region = 'de'"), 'region', 'list')).toBe(true);
    expect(checkBoundsColumn(check("region <> 'de'"), 'region', 'list')).toBe(false);
    expect(checkBoundsColumn(check('id > 0'), 'id', 'hash')).toBe(false);
  });
  it('accepts a bound on any column when the key is unknown', () => {
    expect(checkBoundsColumn(check('x >= 1 AND x < 2'), '', 'range', true)).toBe(true);
  });
});
