import rule from '../../rules/prefer-bigint-over-int.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'CREATE TABLE users (id bigint PRIMARY KEY, n int8, s bigserial);\n',
    'CREATE TABLE users (id smallint, price numeric, score real);\n',
    { name: 'int in a cast or a function signature is not a column', sql: "SELECT 1::int;\nCREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $$ SELECT a $$;\n" },
    { name: 'ALTER COLUMN to bigint', sql: 'ALTER TABLE users ALTER COLUMN id TYPE bigint;\n' },
  ],
  invalid: [
    {
      name: 'squawk case: int, integer, int4, serial, serial4',
      sql: sql`
        create table users (
            id int
        );
        create table users (
            id integer
        );
        create table users (id int4);
        create table users (id serial);
        create table users (id serial4);
      `,
      errors: [
        { messageId: 'int', line: 2, column: 8, endLine: 2, endColumn: 11 },
        { messageId: 'int', line: 5, column: 8, endColumn: 15 },
        { messageId: 'int', line: 7, column: 24, endColumn: 28 },
        { messageId: 'int', line: 8, column: 24, endColumn: 30 },
        { messageId: 'int', line: 9, column: 24, endColumn: 31 },
      ],
    },
    {
      name: 'ADD COLUMN and ALTER COLUMN TYPE, arrays, quoted names, schema-qualified table',
      sql: sql`
        ALTER TABLE app."Users" ADD COLUMN "Count" integer[] NOT NULL DEFAULT '{}',
          ALTER COLUMN visits TYPE int USING visits::int;
      `,
      errors: [{ messageId: 'int', line: 1, column: 44, endColumn: 53 }, { messageId: 'int', line: 2, column: 28, endColumn: 31 }],
    },
    {
      name: 'inside a DO block and after comments',
      sql: sql`
        /* counters */ -- more
        DO $$ BEGIN ALTER TABLE users ADD COLUMN logins INT; END $$;
      `,
      errors: [{ messageId: 'int', line: 2, column: 49, endColumn: 52 }],
    },
  ],
});
