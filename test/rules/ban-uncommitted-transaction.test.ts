import rule from '../../rules/ban-uncommitted-transaction.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'BEGIN;\nCREATE TABLE users (id bigint);\nCOMMIT;\n',
    'START TRANSACTION;\nSELECT 1;\nROLLBACK;\n',
    { name: 'the tool wraps the file', sql: 'CREATE TABLE users (id bigint);\n', settings: { assumeInTransaction: true } },
    'CREATE TABLE users (id bigint);\n',
    { name: 'pop-style split in a wrapped file: the tool commits the last BEGIN', sql: 'DELETE FROM sessions;COMMIT TRANSACTION;BEGIN TRANSACTION;\nALTER TABLE sessions ADD COLUMN token varchar(32);\n', settings: { assumeInTransaction: true } },
  ],
  invalid: [
    {
      sql: sql`
        BEGIN;
        CREATE TABLE users (id bigint);
      `,
      errors: [{ messageId: 'open', line: 1, column: 1, endLine: 1, endColumn: 6 }],
      output: 'BEGIN;\nCREATE TABLE users (id bigint);\nCOMMIT;\n',
    },
    {
      name: 'second transaction left open, last statement without its semicolon',
      sql: 'BEGIN;\nSELECT 1;\nCOMMIT;\n-- next\nBEGIN;\nALTER TABLE users ADD COLUMN email text',
      errors: [{ messageId: 'open', line: 5, column: 1 }],
      output: 'BEGIN;\nSELECT 1;\nCOMMIT;\n-- next\nBEGIN;\nALTER TABLE users ADD COLUMN email text\n;\nCOMMIT;\n',
    },
  ],
});
