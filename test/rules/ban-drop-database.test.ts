import rule from '../../rules/ban-drop-database.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: ['DROP TABLE users;\n', 'CREATE DATABASE analytics;\n'],
  invalid: [
    { sql: 'DROP DATABASE analytics;\n', errors: [{ messageId: 'drop', line: 1, column: 1, endLine: 1, endColumn: 24 }] },
    {
      name: "squawk's three forms: quoted, IF EXISTS, no trailing semicolon",
      sql: sql`
        DROP DATABASE "table_name";
        DROP DATABASE IF EXISTS "table_name";
        DROP DATABASE IF EXISTS "table_name"
      `,
      errors: [{ messageId: 'drop', line: 1, column: 1 }, { messageId: 'drop', line: 2, column: 1 }, { messageId: 'drop', line: 3, column: 1 }],
    },
  ],
});
