import rule from '../../rules/prefer-jsonb.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'CREATE TABLE events (payload jsonb NOT NULL, tags jsonb[]);\n',
    { name: 'json in an expression or a function is not a column', sql: "SELECT '{}'::json;\nCREATE FUNCTION f(a json) RETURNS json LANGUAGE sql AS $$ SELECT a $$;\n" },
  ],
  invalid: [
    {
      sql: sql`
        CREATE TABLE events (
          id bigint PRIMARY KEY,
          payload json NOT NULL DEFAULT '{}',
          history JSON[]
        );
      `,
      errors: [{ messageId: 'json', line: 3, column: 11, endColumn: 15 }, { messageId: 'json', line: 4, column: 11, endColumn: 17 }],
      output: sql`
        CREATE TABLE events (
          id bigint PRIMARY KEY,
          payload jsonb NOT NULL DEFAULT '{}',
          history jsonb[]
        );
      `,
    },
    {
      name: 'ADD COLUMN and ALTER COLUMN TYPE, schema-qualified type, in a transaction',
      sql: 'BEGIN;\nALTER TABLE app.events ADD COLUMN meta pg_catalog.json, ALTER COLUMN body TYPE json USING body::json;\nCOMMIT;\n',
      errors: [{ messageId: 'json', line: 2, column: 40, endColumn: 55 }, { messageId: 'json', line: 2, column: 80, endColumn: 84 }],
      output: 'BEGIN;\nALTER TABLE app.events ADD COLUMN meta pg_catalog.jsonb, ALTER COLUMN body TYPE jsonb USING body::json;\nCOMMIT;\n',
    },
  ],
});
