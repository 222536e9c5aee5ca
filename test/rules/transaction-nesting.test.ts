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
      name: 'BEGIN and ROLLBACK in a file the tool wraps',
      sql: 'START TRANSACTION;\nSELECT 1;\nROLLBACK;\n',
      settings: { assumeInTransaction: true },
      errors: [{ messageId: 'nested', line: 1, column: 1 }],
    },
  ],
});
