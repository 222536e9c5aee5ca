import rule from '../../rules/ban-drop-not-null.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n',
    { name: 'table created in the file', sql: sql`
      CREATE TABLE users (email text NOT NULL);
      ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
    ` },
  ],
  invalid: [
    { sql: 'ALTER TABLE "bar_tbl" ALTER COLUMN "foo_col" DROP NOT NULL;\n', errors: [{ messageId: 'drop', line: 1, column: 1, endLine: 1, endColumn: 59 }] },
    {
      name: 'second subcommand, schema-qualified, mixed case',
      sql: 'alter table app."Users" alter column name type text,\n  alter column "Email" drop not null;\n',
      errors: [{ messageId: 'drop', line: 2, column: 3 }],
    },
  ],
});
