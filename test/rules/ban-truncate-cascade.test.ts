import rule from '../../rules/ban-truncate-cascade.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'TRUNCATE users, orders;\n',
    'TRUNCATE users RESTRICT;\n',
    { name: 'only tables created in the file', sql: sql`
      CREATE TABLE staging (id bigint);
      TRUNCATE staging CASCADE;
    ` },
  ],
  invalid: [
    { sql: 'truncate a, b, c cascade;\n', errors: [{ messageId: 'cascade', line: 1, column: 1, endLine: 1, endColumn: 25 }] },
    { name: 'schema-qualified, with RESTART IDENTITY', sql: 'BEGIN;\nTRUNCATE TABLE app."Users" RESTART IDENTITY CASCADE;\nCOMMIT;\n', errors: [{ messageId: 'cascade', line: 2, column: 1 }] },
  ],
});
