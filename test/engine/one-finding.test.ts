// One finding per problem: a rule's `meta.subsumes` folds another rule's finding on the same statement into a
// note on its own, after ignores, so ignoring either id still does what the user means.
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { foldRelated, lint, ruleIds, type Finding } from '../../src/engine/engine.js';
import { defineRule } from '../../src/engine/rule.js';
import { main } from '../../src/cli/main.js';

const SCHEMA = 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, a int, b int);\n';

async function lintText(text: string, ruleSettings?: Record<string, 'off' | 'error' | 'warning' | 'info'>) {
  const res = await lint([{ path: 'schema.sql', text: SCHEMA, lint: false }, { path: 'm.sql', text }], { rules, pgVersion: 15, assumeInTransaction: false, ruleSettings });
  return res[1].findings;
}
const errorsByStatement = (fs: Finding[]) => {
  const m = new Map<number, string[]>();
  for (const f of fs) if (f.severity === 'error') m.set(f.statement, [...(m.get(f.statement) ?? []), f.rule]);
  return [...m.values()];
};

describe('folding (engine, generic)', () => {
  const owner = defineRule({ meta: { id: 'a', category: 'lock', defaultSeverity: 'warning', recommended: true, fix: 'none', subsumes: ['b'], messages: { m: 'A' }, docs: { summary: 'Disallow a', what: '', why: '', example: { bad: '', good: '' }, references: [] } }, create: () => ({}) });
  const other = defineRule({ meta: { id: 'b', category: 'lock', defaultSeverity: 'error', recommended: true, fix: 'safe', messages: { m: 'B' }, docs: { summary: 'Disallow b', what: '', why: '', example: { bad: '', good: '' }, references: [] } }, create: () => ({}) });
  const known = ruleIds([owner, other]);
  const f = (rule: string, statement: number, start: number, end: number, severity: Finding['severity'] = 'warning', fix?: Finding['fix']): Finding =>
    ({ rule, messageId: 'm', severity, message: rule.toUpperCase(), file: 'm.sql', line: 1, column: start + 1, endLine: 1, endColumn: end + 1, start, end, statement, fix });

  it('folds an overlapping finding of a subsumed rule on the same statement, keeping its own severity and taking the fix', () => {
    const fix = { title: 'x', safety: 'safe' as const, edits: [] };
    const out = foldRelated([f('a', 0, 0, 10), f('b', 0, 2, 5, 'error', fix)], known);
    expect(out.map((x) => x.rule)).toEqual(['a']);
    expect(out[0].severity).toBe('warning');
    expect(out[0].fix).toBe(fix);
    expect(out[0].related?.map((n) => n.rule)).toEqual(['b']);
  });
  it('the same rule twice under one underline is one finding', () => {
    const out = foldRelated([f('c', 0, 0, 10), f('c', 0, 0, 10), f('c', 0, 0, 4)], known);
    expect(out.map((x) => `${x.rule}:${x.related?.length ?? 0}`)).toEqual(['c:1', 'c:0']);
  });
  it('keeps findings on other statements, other spans, and of rules not subsumed', () => {
    const out = foldRelated([f('a', 0, 0, 10), f('b', 1, 0, 10), f('b', 0, 20, 30), f('c', 0, 0, 10)], known);
    expect(out.map((x) => `${x.rule}@${x.statement}`)).toEqual(['a@0', 'b@1', 'b@0', 'c@0']);
  });
});

describe('one finding per problem on real rules', () => {
  it('FK without NOT VALID: adding-foreign-key-constraint, constraint-missing-not-valid as a note', async () => {
    const fs = await lintText('ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n');
    const fk = fs.filter((x) => x.rule === 'adding-foreign-key-constraint');
    expect(fk).toHaveLength(1);
    expect(fs.map((x) => x.rule)).not.toContain('constraint-missing-not-valid');
    expect(fk[0].related?.map((n) => n.rule)).toEqual(['constraint-missing-not-valid']);
    // The owner gains the NOT VALID fix of the folded finding.
    expect(fk[0].fix?.title).toMatch(/NOT VALID/);
  });
  it('DROP TABLE a, b: one finding, irreversible-change folded', async () => {
    const fs = await lintText('DROP TABLE users, orders;\n');
    expect(fs.filter((x) => x.rule === 'ban-drop-table')).toHaveLength(1);
    expect(fs.filter((x) => x.rule === 'irreversible-change')).toHaveLength(0);
    expect(fs.find((x) => x.rule === 'ban-drop-table')?.message).toMatch(/"users", "orders"/);
    expect(errorsByStatement(fs).every((l) => l.length === 1)).toBe(true);
  });
  it('DROP COLUMN: ban-drop-column owns it, each column once', async () => {
    const fs = await lintText('ALTER TABLE orders DROP COLUMN a, DROP COLUMN b;\n');
    expect(fs.filter((x) => x.rule === 'ban-drop-column')).toHaveLength(2);
    expect(fs.filter((x) => x.rule === 'irreversible-change')).toHaveLength(0);
  });
  it('serial: prefer-identity owns it, prefer-bigint-over-int a note', async () => {
    const fs = await lintText('CREATE TABLE t (id serial PRIMARY KEY);\n');
    expect(fs.filter((x) => x.rule === 'prefer-identity')).toHaveLength(1);
    expect(fs.filter((x) => x.rule === 'prefer-bigint-over-int')).toHaveLength(0);
    expect(fs.find((x) => x.rule === 'prefer-identity')?.related?.[0].rule).toBe('prefer-bigint-over-int');
  });
  it('adding-field-with-default: once per rewrite, naming every column', async () => {
    const fs = await lintText('ALTER TABLE orders ADD COLUMN x uuid DEFAULT gen_random_uuid(), ADD COLUMN y float8 DEFAULT random();\n');
    const got = fs.filter((x) => x.rule === 'adding-field-with-default');
    expect(got).toHaveLength(1);
    expect(got[0].message).toMatch(/"x" \(and "y"\)/);
  });
  it('a plain index build after a lock: require-concurrent-index-creation owns it', async () => {
    const fs = await lintText('BEGIN;\nALTER TABLE users ADD COLUMN n text;\nCREATE INDEX orders_a_idx ON orders (a);\nCOMMIT;\n');
    expect(fs.filter((x) => x.rule === 'lock-held-across-statements')).toHaveLength(0);
    const cic = fs.find((x) => x.rule === 'require-concurrent-index-creation');
    expect(cic?.related?.map((n) => n.rule)).toEqual(['lock-held-across-statements']);
  });

  describe('ignores and config', () => {
    const FK = 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n';
    const FK_RULES = new Set(['adding-foreign-key-constraint', 'constraint-missing-not-valid', 'unused-ignore']);
    const fkOnly = (fs: Finding[]) => fs.filter((x) => FK_RULES.has(x.rule));
    it('ignoring the owner lets the other aspect stand on its own', async () => {
      const fs = fkOnly(await lintText(`-- pgsafe-ignore adding-foreign-key-constraint\n${FK}`));
      expect(fs.map((x) => x.rule)).toEqual(['constraint-missing-not-valid']);
    });
    it('ignoring the subsumed id is used (no unused-ignore) and drops only its note', async () => {
      const fs = fkOnly(await lintText(`-- squawk-ignore constraint-missing-not-valid\n${FK}`));
      expect(fs.map((x) => x.rule)).toEqual(['adding-foreign-key-constraint']);
      expect(fs[0].related).toBeUndefined();
    });
    it('turning the owner off in config lets the other stand', async () => {
      const fs = fkOnly(await lintText(FK, { 'adding-foreign-key-constraint': 'off' }));
      expect(fs.map((x) => x.rule)).toEqual(['constraint-missing-not-valid']);
    });
  });
});

describe('--disable require-timeout-settings turns off both rules it names', () => {
  const run = async (args: string[]) => {
    let out = '';
    const io = { stdout: { write: (s: string) => { out += s; return true; } }, stderr: { write: () => true }, stdin: [Buffer.from('ALTER TABLE t ALTER COLUMN c TYPE bigint;\n')], env: {}, cwd: process.cwd() };
    await main(['node', 'pgsafe', 'lint', '--no-config', '--format', 'json', '--fail-on', 'never', ...args, '-'], io as never);
    return (JSON.parse(out).files[0].findings as Array<{ rule: string }>).map((x) => x.rule);
  };
  it('without it both timeout rules fire; with it neither', async () => {
    expect(await run([])).toEqual(expect.arrayContaining(['require-lock-timeout', 'require-statement-timeout']));
    const got = await run(['--disable', 'require-timeout-settings']);
    expect(got).not.toContain('require-lock-timeout');
    expect(got).not.toContain('require-statement-timeout');
  });
});
