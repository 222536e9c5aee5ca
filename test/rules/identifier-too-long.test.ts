import rule from '../../rules/identifier-too-long.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

const n63 = 'table_very_long_very_long_very_long_very_long_very_long_very_lo';

ruleTester(rule, {
  valid: [
    { name: 'exactly 63 bytes', sql: `create table ${n63} (id bigint);\n` },
    { name: 'long text in strings and comments', sql: `-- ${'x'.repeat(80)}\nINSERT INTO t (a) VALUES ('${'y'.repeat(80)}');\nDO $$ BEGIN RAISE NOTICE '${'z'.repeat(80)}'; END $$;\n` },
  ],
  invalid: [
    {
      name: 'squawk case 28: table and column',
      sql: 'create table table_very_long_very_long_very_long_very_long_very_long_very_long (column_very_long_very_long_very_long_very_long_very_long_very_long bigint);\n',
      errors: [
        { messageId: 'tooLong', line: 1, column: 14, endColumn: 79 },
        { messageId: 'tooLong', line: 1, column: 81, endColumn: 147 },
      ],
    },
    {
      name: 'quoted and multi-byte: 22 characters of 3 bytes is 66 bytes',
      sql: sql`
        CREATE INDEX "${'索'.repeat(22)}"
          ON users (email);
      `,
      errors: [{ messageId: 'tooLong', line: 1, column: 14, endColumn: 38 }],
    },
    {
      name: 'constraint name inside a DO block',
      sql: `DO $$ BEGIN ALTER TABLE users ADD CONSTRAINT ${'c'.repeat(64)} CHECK (a > 0); END $$;\n`,
      errors: [{ messageId: 'tooLong', line: 1, column: 46, endColumn: 110 }],
    },
  ],
});
