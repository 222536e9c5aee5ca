import rule from '../../rules/adding-required-field.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'ALTER TABLE users ADD COLUMN c3 int NOT NULL DEFAULT 1;\n',
    'ALTER TABLE users ADD COLUMN nickname text;\n',
    'ALTER TABLE users ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY NOT NULL;\n',
    { name: 'table created in the file', sql: sql`
      CREATE TABLE accounts (id int);
      ALTER TABLE accounts ADD COLUMN c1 int NOT NULL;
    ` },
  ],
  invalid: [
    { sql: 'ALTER TABLE users ADD COLUMN c2 int NOT NULL;\n', errors: [{ messageId: 'required', line: 1, column: 1 }] },
    {
      name: 'second subcommand, quoted schema-qualified',
      sql: 'ALTER TABLE app."Users" ADD COLUMN a text,\n  ADD COLUMN "B" text NOT NULL;\n',
      errors: [{ messageId: 'required', line: 2, column: 3 }],
    },
  ],
});
