// Cases from squawk's ban_drop_trigger.rs tests.
import rule from '../../rules/ban-drop-trigger.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'DROP INDEX i;\nCREATE VIEW v AS SELECT 1;\n',
    { name: 'table created in the file', sql: sql`
      CREATE TABLE tbl (id int);
      DROP TRIGGER trg ON tbl;
    ` },
  ],
  invalid: [
    {
      name: 'squawk err: IF EXISTS, CASCADE',
      sql: 'DROP TRIGGER trg ON tbl;\nDROP TRIGGER IF EXISTS trg ON app."Tbl" CASCADE;\n',
      errors: [{ messageId: 'drop', line: 1, column: 1 }, { messageId: 'drop', line: 2, column: 1 }],
    },
  ],
});
