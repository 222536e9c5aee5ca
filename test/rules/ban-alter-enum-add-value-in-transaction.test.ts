import rule from '../../rules/ban-alter-enum-add-value-in-transaction.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'PG 12+: adding in a transaction is fine when the value is not used there', sql: "BEGIN;\nALTER TYPE order_status ADD VALUE 'refunded';\nCOMMIT;\n", settings: { pgVersion: 12 } },
    { name: 'used after COMMIT', sql: sql`
      BEGIN;
      ALTER TYPE order_status ADD VALUE 'refunded';
      COMMIT;
      UPDATE orders SET status = 'refunded' WHERE id = 42;
    ` },
    { name: 'PG 11 outside a transaction', sql: "ALTER TYPE order_status ADD VALUE 'refunded';\n", settings: { pgVersion: 11 } },
    { name: 'a string literal of another value', sql: "BEGIN;\nALTER TYPE order_status ADD VALUE 'refunded';\nUPDATE orders SET note = 'paid' WHERE id = 1;\nCOMMIT;\n" },
  ],
  invalid: [
    {
      name: 'PG 11: rejected in a transaction block',
      sql: "BEGIN;\nALTER TYPE order_status ADD VALUE 'refunded';\nCOMMIT;\n",
      settings: { pgVersion: 11 },
      errors: [{ messageId: 'fails', line: 2, column: 1 }],
    },
    {
      name: 'PG 11, file run in a transaction',
      sql: "ALTER TYPE app.\"Status\" ADD VALUE IF NOT EXISTS 'refunded';\n",
      settings: { pgVersion: 11, assumeInTransaction: true },
      errors: [{ messageId: 'fails', line: 1, column: 1 }],
    },
    {
      name: 'PG 12: the new value used in the same transaction',
      sql: sql`
        BEGIN;
        ALTER TYPE order_status ADD VALUE 'refunded';
        UPDATE orders SET status = 'refunded' WHERE id = 42;
        ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'refunded';
        COMMIT;
      `,
      settings: { pgVersion: 12 },
      errors: [{ messageId: 'unusable', line: 3, column: 1 }, { messageId: 'unusable', line: 4, column: 1 }],
    },
  ],
});
