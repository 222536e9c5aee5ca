import rule from '../../rules/renaming-table.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'ALTER TABLE users RENAME COLUMN name TO full_name;\n',
    { name: 'table created in the file', sql: sql`
      CREATE TABLE users_new (id bigint);
      ALTER TABLE users_new RENAME TO users;
    ` },
  ],
  invalid: [
    { sql: 'ALTER TABLE users RENAME TO people;\n', errors: [{ messageId: 'rename', line: 1, column: 1 }] },
    { name: 'IF EXISTS, quoted schema-qualified', sql: 'SELECT 1;\nALTER TABLE IF EXISTS app."Users" RENAME TO people;\n', errors: [{ messageId: 'rename', line: 2, column: 1 }] },
  ],
});
