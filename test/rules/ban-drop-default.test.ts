// Cases from squawk's ban_drop_default.rs tests (table, foreign table, view column and domain defaults).
import rule from '../../rules/ban-drop-default.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'ALTER TABLE tbl ALTER COLUMN c SET DEFAULT 1;\nALTER TABLE tbl ALTER COLUMN c DROP NOT NULL;\nDROP DOMAIN d;\nDROP INDEX i;\n',
    'ALTER DOMAIN d SET DEFAULT 0;\n',
    { name: 'table created in the file', sql: sql`
      CREATE TABLE tbl (c int DEFAULT 0);
      ALTER TABLE tbl ALTER COLUMN c DROP DEFAULT;
    ` },
  ],
  invalid: [
    {
      name: 'squawk err: IF EXISTS, two in one statement',
      sql: sql`
        ALTER TABLE tbl ALTER COLUMN c DROP DEFAULT;
        ALTER TABLE IF EXISTS tbl ALTER COLUMN c DROP DEFAULT;
        ALTER TABLE tbl ALTER COLUMN c DROP DEFAULT, ALTER COLUMN d DROP DEFAULT;
      `,
      errors: [[1, 1], [2, 1], [3, 1], [3, 46]].map(([line, column]) => ({ messageId: 'column', line, column })),
    },
    {
      name: 'foreign table and view columns',
      sql: 'ALTER FOREIGN TABLE ft ALTER COLUMN c DROP DEFAULT;\nALTER VIEW v ALTER COLUMN c DROP DEFAULT;\n',
      errors: [{ messageId: 'column', line: 1, column: 1 }, { messageId: 'column', line: 2, column: 1 }],
    },
    { name: 'domain', sql: 'ALTER DOMAIN app.d DROP DEFAULT;\n', errors: [{ messageId: 'domain', line: 1, column: 1 }] },
  ],
});
