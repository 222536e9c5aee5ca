import rule from '../../rules/prefer-bigint-over-smallint.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'CREATE TABLE users (id bigint, n integer, s bigserial);\n',
    { name: 'smallint outside a column', sql: 'SELECT 1::smallint;\n' },
  ],
  invalid: [
    {
      name: 'squawk case: smallint, int2, smallserial, serial2',
      sql: sql`
        create table users (
            id smallint
        );
        create table users (id int2);
        create table users (id smallserial);
        create table users (id serial2);
      `,
      errors: [
        { messageId: 'smallint', line: 2, column: 8, endColumn: 16 },
        { messageId: 'smallint', line: 4, column: 24, endColumn: 28 },
        { messageId: 'smallint', line: 5, column: 24, endColumn: 35 },
        { messageId: 'smallint', line: 6, column: 24, endColumn: 31 },
      ],
    },
    {
      sql: 'BEGIN;\nALTER TABLE IF EXISTS app.tags ADD COLUMN IF NOT EXISTS position SMALLINT;\nCOMMIT;\n',
      errors: [{ messageId: 'smallint', line: 2, column: 66, endColumn: 74 }],
    },
  ],
});
