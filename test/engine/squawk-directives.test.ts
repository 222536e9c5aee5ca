// squawk's file directives and the require-timeout-settings alias, as squawk's ignore.rs tests use them.
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { lint } from '../../src/engine/engine.js';
import type { RuleSetting } from '../../src/engine/engine.js';

async function found(text: string, opts: { assumeInTransaction?: boolean; ruleSettings?: Record<string, RuleSetting> } = {}) {
  const [res] = await lint([{ path: 'm.sql', text }], { rules, pgVersion: 15, assumeInTransaction: opts.assumeInTransaction ?? false, ruleSettings: opts.ruleSettings });
  return res.findings.map((f) => f.rule);
}

// Other work in the file: a lone CIC is the standalone pattern tools run without a transaction.
const CIC = 'ALTER TABLE t ADD COLUMN c int;\nCREATE INDEX CONCURRENTLY t_c_idx ON t (c);\n';

describe('-- squawk-disable-assume-in-transaction / -enable-', () => {
  it('without a directive the assumed transaction applies', async () => {
    expect(await found(CIC, { assumeInTransaction: true })).toContain('ban-concurrent-index-creation-in-transaction');
  });
  for (const directive of ['-- squawk-disable-assume-in-transaction', '/* squawk-disable-assume-in-transaction */', '-- squawk-disable-assume-in-transaction -- not in a transaction', '-- pgsafe-disable-assume-in-transaction']) {
    it(`${directive}: the file runs outside a transaction`, async () => {
      expect(await found(`${directive}\n${CIC}`, { assumeInTransaction: true })).not.toContain('ban-concurrent-index-creation-in-transaction');
    });
  }
  it('-- squawk-enable-assume-in-transaction: the file runs in one', async () => {
    expect(await found(CIC)).not.toContain('ban-concurrent-index-creation-in-transaction');
    expect(await found(`-- squawk-enable-assume-in-transaction\n${CIC}`)).toContain('ban-concurrent-index-creation-in-transaction');
  });
  it('a comment that only mentions it is no directive', async () => {
    expect(await found(`-- see squawk-disable-assume-in-transaction\n${CIC}`, { assumeInTransaction: true })).toContain('ban-concurrent-index-creation-in-transaction');
  });
});

describe('require-timeout-settings names both timeout rules', () => {
  const rewrite = 'ALTER TABLE t ALTER COLUMN c TYPE bigint;\n';
  it('both fire without it', async () => {
    expect(await found(rewrite)).toEqual(expect.arrayContaining(['require-lock-timeout', 'require-statement-timeout']));
  });
  it('an ignore suppresses both, and is used', async () => {
    const got = await found(`-- squawk-ignore require-timeout-settings\n${rewrite}`);
    expect(got).not.toContain('require-lock-timeout');
    expect(got).not.toContain('require-statement-timeout');
    expect(got).not.toContain('unused-ignore');
  });
  it('squawk: several comments, an ignore with two ids (pgsafe needs neither here, and says so)', async () => {
    const got = await found('-- fooo bar\n-- buzz\n-- squawk-ignore prefer-robust-stmts, require-timeout-settings\ncreate table x();\n\nselect 1;\n');
    expect(got).toEqual(['unused-ignore', 'unused-ignore']);
  });
  it('config off turns both off', async () => {
    const got = await found(rewrite, { ruleSettings: { 'require-timeout-settings': 'off' } });
    expect(got).not.toContain('require-lock-timeout');
    expect(got).not.toContain('require-statement-timeout');
  });
});
