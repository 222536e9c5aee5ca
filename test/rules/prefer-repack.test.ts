import rule from '../../rules/prefer-repack.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'PG 18: ban-vacuum-full reports it', sql: 'VACUUM FULL users;\n', settings: { pgVersion: 18 } },
    { sql: 'VACUUM (ANALYZE) users;\n', settings: { pgVersion: 19 } },
    { name: 'table created in the file', sql: sql`
      CREATE TABLE users (id bigint);
      VACUUM FULL users;
    `, settings: { pgVersion: 19 } },
  ],
  invalid: [
    { name: "squawk's case: VACUUM FULL on PG 19", sql: 'VACUUM FULL foo;\n', settings: { pgVersion: 19 }, errors: [{ messageId: 'repack', line: 1, column: 1, endLine: 1, endColumn: 16 }] },
    {
      name: 'CLUSTER and VACUUM (FULL) on PG 20',
      sql: 'CLUSTER users USING users_created_at_idx;\nVACUUM (FULL) app."Users";\n',
      settings: { pgVersion: 20 },
      errors: [{ messageId: 'repack', line: 1, column: 1 }, { messageId: 'repack', line: 2, column: 1 }],
    },
  ],
});
