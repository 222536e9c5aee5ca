import rule from '../../rules/ban-concurrent-index-creation-in-transaction.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n',
    'BEGIN;\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;\n',
    { name: "a file of only CONCURRENTLY statements is a standalone migration (squawk's case 58)", sql: sql`
      -- run index creation in a standalone migration
      SET lock_timeout = '2s';
      CREATE UNIQUE INDEX CONCURRENTLY "field_name_idx" ON "table_name" ("field_name");
    `, settings: { assumeInTransaction: true } },
    { name: 'after COMMIT', sql: 'BEGIN;\nSELECT 1;\nCOMMIT;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n' },
  ],
  invalid: [
    {
      sql: sql`
        BEGIN;
        CREATE INDEX CONCURRENTLY "field_name_idx" ON "table_name" ("field_name");
        COMMIT;
      `,
      errors: [{ messageId: 'inTransaction', line: 2, column: 1 }],
    },
    {
      name: 'a wrapped file with other statements',
      sql: sql`
        CREATE UNIQUE INDEX CONCURRENTLY "field_name_idx" ON "table_name" ("field_name");
        ALTER TABLE "table_name" ADD CONSTRAINT "field_name_id" UNIQUE USING INDEX "field_name_idx";
      `,
      settings: { assumeInTransaction: true },
      errors: [{ messageId: 'inTransaction', line: 1, column: 1 }],
    },
  ],
});
