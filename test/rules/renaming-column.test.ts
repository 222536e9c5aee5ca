import rule from '../../rules/renaming-column.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'ALTER TABLE users RENAME TO people;\n',
    { name: 'table created in the file', sql: sql`
      CREATE TABLE users (name text);
      ALTER TABLE users RENAME COLUMN name TO full_name;
    ` },
  ],
  invalid: [
    { sql: 'ALTER TABLE users RENAME COLUMN name TO full_name;\n', errors: [{ messageId: 'rename', line: 1, column: 1 }] },
    { name: 'without COLUMN, quoted schema-qualified', sql: 'SELECT 1;\nALTER TABLE app."Users" RENAME "Name" TO full_name;\n', errors: [{ messageId: 'rename', line: 2, column: 1 }] },
  ],
});
