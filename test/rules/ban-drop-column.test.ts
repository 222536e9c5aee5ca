import rule from '../../rules/ban-drop-column.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'ALTER TABLE users ADD COLUMN nickname text;\n',
    { name: 'table created in the file', sql: sql`
      CREATE TABLE users (id bigint, nickname text);
      ALTER TABLE users DROP COLUMN nickname;
    ` },
  ],
  invalid: [
    { sql: 'ALTER TABLE users DROP COLUMN nickname;\n', errors: [{ messageId: 'drop', line: 1, column: 1 }] },
    {
      name: 'IF EXISTS, second subcommand, quoted schema-qualified',
      sql: 'ALTER TABLE app."Users" ADD COLUMN a text,\n  DROP COLUMN IF EXISTS "Nick";\n',
      errors: [{ messageId: 'drop', line: 2, column: 3 }],
    },
  ],
});
