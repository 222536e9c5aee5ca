import rule from '../../rules/ban-drop-table.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'DROP INDEX users_email_idx;\n',
    'DROP VIEW user_stats;\n',
    { name: 'table created in the file', sql: sql`
      CREATE TABLE tmp_import (id bigint);
      DROP TABLE tmp_import;
    ` },
  ],
  invalid: [
    { sql: 'DROP TABLE pets;\n', errors: [{ messageId: 'drop', line: 1, column: 1 }] },
    {
      name: 'two tables, IF EXISTS, quoted schema-qualified',
      sql: 'DROP TABLE IF EXISTS app."Pets", owners CASCADE;\n',
      // One statement, one decision: one finding naming both tables.
      errors: [{ messageId: 'dropMany', line: 1, column: 1 }],
    },
  ],
});
