import rule from '../../rules/ban-vacuum-full.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'VACUUM users;\n',
    'VACUUM (ANALYZE) users;\n',
    { name: 'PG 19: prefer-repack reports it instead', sql: 'VACUUM FULL users;\n', settings: { pgVersion: 19 } },
    { name: 'table created in the file', sql: sql`
      CREATE TABLE users (id bigint);
      VACUUM FULL users;
    ` },
  ],
  invalid: [
    { sql: 'VACUUM FULL users;\n', settings: { pgVersion: 18 }, errors: [{ messageId: 'rewrite', line: 1, column: 1, endLine: 1, endColumn: 18 }] },
    {
      name: 'option form, two tables, whole database',
      sql: sql`
        VACUUM (FULL, ANALYZE) app."Users", orders;
        vacuum full;
      `,
      // Two tables under one underline: one finding (the engine folds the second into a note).
      errors: [{ messageId: 'rewrite', line: 1, column: 1 }, { messageId: 'rewrite', line: 2, column: 1 }],
    },
  ],
});
