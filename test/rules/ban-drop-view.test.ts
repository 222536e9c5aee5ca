// Cases from squawk's ban_drop_view.rs tests, plus pgsafe's: views created in the same file, one finding per statement.
import rule from '../../rules/ban-drop-view.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'CREATE VIEW v AS SELECT 1;\nDROP INDEX i;\n',
    'DROP TABLE t;\n',
    { name: 'view created in the file', sql: sql`
      CREATE VIEW tmp_v AS SELECT 1 AS x;
      DROP VIEW tmp_v;
    ` },
  ],
  invalid: [
    {
      name: 'squawk err: views and materialized views, IF EXISTS, CASCADE',
      sql: sql`
        DROP VIEW v;
        DROP VIEW IF EXISTS v CASCADE;
        DROP MATERIALIZED VIEW mv;
        DROP MATERIALIZED VIEW IF EXISTS mv CASCADE;
      `,
      errors: [1, 2, 3, 4].map((line) => ({ messageId: 'drop', line, column: 1 })),
    },
    { name: 'two views: one finding', sql: 'DROP VIEW app."Stats", other;\n', errors: [{ messageId: 'drop', line: 1, column: 1 }] },
  ],
});
