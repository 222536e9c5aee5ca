import rule from '../../rules/ban-char-field.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'CREATE TABLE t (a text, b varchar(10), c character varying(3));\n',
    { name: 'the internal one-byte "char" type is not bpchar', sql: 'CREATE TABLE t (flag "char");\n' },
    { name: 'a char cast is not a column', sql: "SELECT 'a'::char(3);\n" },
  ],
  invalid: [
    {
      name: 'squawk case 12: char(n), character(n), char, character',
      sql: sql`
        CREATE TABLE "core_bar" (
            "id" serial NOT NULL PRIMARY KEY,
            "alpha" char(100) NOT NULL,
            "beta" character(100) NOT NULL,
            "charlie" char NOT NULL,
            "delta" character NOT NULL
        );
      `,
      errors: [
        { messageId: 'char', line: 3, column: 13, endColumn: 22 },
        { messageId: 'char', line: 4, column: 12, endColumn: 26 },
        { messageId: 'char', line: 5, column: 15, endColumn: 19 },
        { messageId: 'char', line: 6, column: 13, endColumn: 22 },
      ],
      output: sql`
        CREATE TABLE "core_bar" (
            "id" serial NOT NULL PRIMARY KEY,
            "alpha" varchar(100) NOT NULL,
            "beta" varchar(100) NOT NULL,
            "charlie" text NOT NULL,
            "delta" text NOT NULL
        );
      `,
    },
    {
      name: 'bpchar, arrays, ADD COLUMN and ALTER TYPE',
      sql: 'ALTER TABLE countries ADD COLUMN code CHAR(2)[], ADD COLUMN b bpchar, ALTER COLUMN c TYPE character (3);\n',
      errors: [
        { messageId: 'char', line: 1, column: 39, endColumn: 48 },
        { messageId: 'char', line: 1, column: 63, endColumn: 69 },
        { messageId: 'char', line: 1, column: 91, endColumn: 104 },
      ],
      output: 'ALTER TABLE countries ADD COLUMN code varchar(2)[], ADD COLUMN b text, ALTER COLUMN c TYPE varchar (3);\n',
    },
  ],
});
