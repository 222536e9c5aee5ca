// Cases from squawk's ban_drop_function.rs tests (functions, procedures, routines).
import rule from '../../rules/ban-drop-function.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'DROP INDEX i;\nCREATE VIEW v AS SELECT 1;\n',
    "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';\n",
  ],
  invalid: [
    {
      name: 'squawk err: functions and procedures, IF EXISTS, CASCADE',
      sql: sql`
        DROP FUNCTION f(int);
        DROP FUNCTION IF EXISTS f(int) CASCADE;
        DROP PROCEDURE p(int);
        DROP PROCEDURE IF EXISTS p(int) CASCADE;
      `,
      errors: [1, 2, 3, 4].map((line) => ({ messageId: 'drop', line, column: 1 })),
    },
    { name: 'routine, two at once: one finding', sql: 'DROP ROUTINE app.r1, r2;\n', errors: [{ messageId: 'drop', line: 1, column: 1 }] },
  ],
});
