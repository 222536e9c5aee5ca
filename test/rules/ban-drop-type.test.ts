// Cases from squawk's ban_drop_type.rs tests (types and casts).
import rule from '../../rules/ban-drop-type.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    "CREATE TYPE t AS ENUM ('a');\nDROP INDEX i;\n",
    'DROP DOMAIN d;\n',
  ],
  invalid: [
    {
      name: 'squawk err: DROP TYPE, IF EXISTS, CASCADE',
      sql: sql`
        DROP TYPE t;
        DROP TYPE IF EXISTS t CASCADE;
      `,
      errors: [{ messageId: 'type', line: 1, column: 1 }, { messageId: 'type', line: 2, column: 1 }],
    },
    { name: 'a cast', sql: 'DROP CAST (text AS app.money2);\n', errors: [{ messageId: 'cast', line: 1, column: 1 }] },
  ],
});
