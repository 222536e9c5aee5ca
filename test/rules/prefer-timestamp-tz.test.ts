import rule from '../../rules/prefer-timestamp-tz.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'CREATE TABLE events (a timestamptz, b timestamp with time zone, c timestamptz(3)[]);\n',
    { name: 'time and date are other types', sql: 'CREATE TABLE events (a time, b date, c interval);\n' },
    { name: 'a timestamp cast is not a column', sql: "SELECT now()::timestamp;\n" },
    { name: "squawk's id `prefer-timestamptz` works in ignore comments", sql: '-- squawk-ignore prefer-timestamptz\nCREATE TABLE t (a timestamp);\n' },
  ],
  invalid: [
    {
      name: 'squawk case 36, with its fix',
      sql: sql`
        create table app.users
        (
            created_ts   timestamp
        );
        create table app.accounts
        (
            created_ts timestamp without time zone
        );
      `,
      errors: [
        { messageId: 'timestamp', line: 3, column: 18, endColumn: 27 },
        { messageId: 'timestamp', line: 7, column: 16, endColumn: 43 },
      ],
      output: sql`
        create table app.users
        (
            created_ts   timestamptz
        );
        create table app.accounts
        (
            created_ts timestamptz
        );
      `,
    },
    {
      name: 'precision, arrays, ADD COLUMN with DEFAULT, ALTER COLUMN TYPE',
      sql: sql`
        ALTER TABLE users ADD COLUMN seen_at TIMESTAMP(3) WITHOUT TIME ZONE DEFAULT now(),
          ADD COLUMN history timestamp[],
          ALTER COLUMN created_at TYPE timestamp USING created_at AT TIME ZONE 'UTC';
      `,
      errors: [
        { messageId: 'timestamp', line: 1, column: 38, endColumn: 68 },
        { messageId: 'timestamp', line: 2, column: 22, endColumn: 33 },
        { messageId: 'timestamp', line: 3, column: 32, endColumn: 41 },
      ],
      output: sql`
        ALTER TABLE users ADD COLUMN seen_at timestamptz(3) DEFAULT now(),
          ADD COLUMN history timestamptz[],
          ALTER COLUMN created_at TYPE timestamptz USING created_at AT TIME ZONE 'UTC';
      `,
    },
  ],
});
