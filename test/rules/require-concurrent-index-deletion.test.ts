import rule from '../../rules/require-concurrent-index-deletion.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'DROP INDEX CONCURRENTLY users_email_idx;\n',
    { name: "squawk's regression: DROP TABLE is not DROP INDEX", sql: 'DROP TABLE IF EXISTS some_table;\n' },
    { name: 'index on a table created in the file', sql: sql`
      CREATE TABLE users (email text);
      CREATE INDEX users_email_idx ON users (email);
      DROP INDEX users_email_idx;
    ` },
  ],
  invalid: [
    {
      sql: 'DROP INDEX users_email_idx;\n',
      errors: [{ messageId: 'blocking', line: 1, column: 1 }],
      output: 'DROP INDEX CONCURRENTLY users_email_idx;\n',
    },
    {
      name: 'IF EXISTS, schema-qualified',
      sql: '-- cleanup\ndrop index if exists app."Users_email_idx";\n',
      errors: [{ messageId: 'blocking', line: 2, column: 1 }],
      output: '-- cleanup\ndrop index CONCURRENTLY if exists app."Users_email_idx";\n',
    },
    {
      name: 'in a transaction, or with CASCADE: no fix',
      sql: 'BEGIN;\nDROP INDEX users_email_idx;\nCOMMIT;\nDROP INDEX users_name_idx CASCADE;\n',
      errors: [{ messageId: 'blocking', line: 2, column: 1 }, { messageId: 'blocking', line: 4, column: 1 }],
      output: null,
    },
  ],
});
