import rule from '../../rules/ban-set-logged-unlogged.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'CREATE UNLOGGED TABLE events_buffer (id bigint);\n',
    { name: 'table created in the file', sql: sql`
      CREATE UNLOGGED TABLE events (id bigint);
      ALTER TABLE events SET LOGGED;
    ` },
    'ALTER TABLE events SET (fillfactor = 90);\n',
  ],
  invalid: [
    { sql: 'ALTER TABLE events SET UNLOGGED;\n', errors: [{ messageId: 'rewrite', line: 1, column: 1, endLine: 1, endColumn: 32 }] },
    {
      name: 'SET LOGGED as a second subcommand, schema-qualified',
      sql: 'ALTER TABLE app."Events" ADD COLUMN note text,\n  SET LOGGED;\n',
      errors: [{ messageId: 'rewrite', line: 2, column: 3 }],
    },
  ],
});
