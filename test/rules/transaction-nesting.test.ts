import { describe, expect, it } from 'vitest';
import { lint } from '../../src/engine/engine.js';
import rule from '../../rules/transaction-nesting.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'BEGIN;\nSELECT 1;\nCOMMIT;\nBEGIN;\nSELECT 2;\nCOMMIT;\n',
    { name: 'savepoints are the nested form', sql: 'BEGIN;\nSAVEPOINT a;\nSELECT 1;\nRELEASE SAVEPOINT a;\nCOMMIT;\n' },
    { name: 'assumed transaction without control statements', sql: 'SELECT 1;\n', settings: { assumeInTransaction: true } },
  ],
  invalid: [
    {
      sql: sql`
        BEGIN;
        BEGIN;
        SELECT 1;
        COMMIT;
      `,
      errors: [{ messageId: 'nested', line: 2, column: 1, endLine: 2, endColumn: 6 }],
    },
    {
      name: 'COMMIT in a file the tool wraps',
      sql: 'SELECT 1;\nCOMMIT;\n',
      settings: { assumeInTransaction: true },
      errors: [{ messageId: 'endsWrapper', line: 2, column: 1 }],
    },
    {
      name: 'COMMIT … BEGIN in a file the tool wraps: the tool commits the reopened transaction',
      sql: 'ALTER TABLE t ADD COLUMN c int;\nCOMMIT;\nCREATE INDEX CONCURRENTLY t_c_idx ON t (c);\nBEGIN;\n',
      settings: { assumeInTransaction: true },
      errors: [{ messageId: 'reopened', line: 2, column: 1 }],
    },
    {
      name: 'BEGIN and ROLLBACK in a file the tool wraps',
      sql: 'START TRANSACTION;\nSELECT 1;\nROLLBACK;\n',
      settings: { assumeInTransaction: true },
      errors: [{ messageId: 'nested', line: 1, column: 1 }],
    },
  ],
});

describe('transaction-nesting in an implicit transaction block', () => {
  const text = 'CREATE TYPE status_new AS ENUM (\'a\');\nBEGIN;\nALTER TABLE t ALTER COLUMN s TYPE status_new USING s::text::status_new;\nCOMMIT;\n';
  const run = async (implicitTransaction: boolean) => {
    const [res] = await lint([{ path: 'migration.sql', text, fileOptions: { inTransaction: true, implicitTransaction } }], {
      rules: [rule], pgVersion: 15, assumeInTransaction: false, ruleSettings: { [rule.meta.id]: 'error' },
    });
    return res.findings.map((f) => `${f.messageId} ${f.line}`);
  };
  it('accepts BEGIN in a multi-statement query string (golang-migrate, Prisma): it converts the implicit block', async () => {
    expect(await run(true)).toEqual([]);
  });
  it('reports it when the tool sent its own BEGIN', async () => {
    expect(await run(false)).toEqual(['nested 2']);
  });
});
