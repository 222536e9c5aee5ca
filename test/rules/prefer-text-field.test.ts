import rule from '../../rules/prefer-text-field.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'squawk case 56: varchar without a limit is text', sql: 'CREATE TABLE IF NOT EXISTS foo_table(bar_col varchar);\n' },
    'CREATE TABLE users (email text NOT NULL CHECK (char_length(email) <= 255));\n',
    { name: 'a cast to varchar(n) is not a column', sql: "SELECT 'abc'::varchar(2);\n" },
    { name: 'char(n) is another rule', sql: 'CREATE TABLE t (c char(10));\n' },
  ],
  invalid: [
    {
      name: 'squawk case 35',
      sql: sql`
        BEGIN;
        --
        -- Create model Bar
        --
        CREATE TABLE "core_bar" (
            "id" serial NOT NULL PRIMARY KEY,
            "alpha" varchar(100) NOT NULL
        );
        COMMIT;
      `,
      errors: [{ messageId: 'varchar', line: 7, column: 13, endLine: 7, endColumn: 25 }],
    },
    {
      name: 'character varying, pg_catalog.varchar, arrays, ALTER COLUMN TYPE',
      sql: sql`
        ALTER TABLE users ADD COLUMN a character varying(20),
          ADD COLUMN b pg_catalog.varchar(5)[],
          ALTER COLUMN c TYPE VARCHAR ( 1000 ) USING c::varchar(1000);
      `,
      errors: [
        { messageId: 'varchar', line: 1, column: 32, endColumn: 53 },
        { messageId: 'varchar', line: 2, column: 16, endColumn: 39 },
        { messageId: 'varchar', line: 3, column: 23, endColumn: 39 },
      ],
    },
  ],
});
