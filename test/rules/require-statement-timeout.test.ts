import rule from '../../rules/require-statement-timeout.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    "SET statement_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;\n",
    { name: 'SET LOCAL inside the transaction', sql: "BEGIN;\nSET LOCAL statement_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\n" },
    { name: 'only new tables', sql: sql`
      CREATE TABLE users (id bigint);
      CREATE INDEX users_id_idx ON users (id);
    ` },
    { name: 'plain DML with a selective WHERE takes no schema lock', sql: "UPDATE users SET name = 'x' WHERE id = 1;\n" },
    'SELECT 1;\n',
    { name: 'online operations are long by design', sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;\n' },
  ],
  invalid: [
    {
      sql: "SET lock_timeout = '1s';\nALTER TABLE users ADD COLUMN nickname text;\n",
      errors: [{ messageId: 'missing', line: 2, column: 1 }],
      output: "SET lock_timeout = '1s';\nSET statement_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;\n",
    },
    {
      name: 'reported once per file, at the first statement; SET LOCAL outside a transaction has no effect',
      sql: sql`
        SET LOCAL statement_timeout = '5s';
        CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
        COMMENT ON COLUMN users.email IS 'login';
        ALTER TABLE users ADD COLUMN nickname text;
      `,
      errors: [{ messageId: 'missing', line: 3, column: 1 }],
      output: sql`
        SET LOCAL statement_timeout = '5s';
        CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
        SET statement_timeout = '5s';
        COMMENT ON COLUMN users.email IS 'login';
        ALTER TABLE users ADD COLUMN nickname text;
      `,
    },
    {
      name: 'a full-table UPDATE runs unbounded',
      sql: "UPDATE app.\"Users\" SET active = true;\n",
      errors: [{ messageId: 'missing', line: 1, column: 1 }],
      output: "SET statement_timeout = '5s';\nUPDATE app.\"Users\" SET active = true;\n",
    },
    {
      name: 'RESET restores the default',
      sql: "SET statement_timeout = '5s';\nRESET ALL;\nVACUUM FULL users;\n",
      errors: [{ messageId: 'missing', line: 3, column: 1 }],
      output: "SET statement_timeout = '5s';\nRESET ALL;\nSET statement_timeout = '5s';\nVACUUM FULL users;\n",
    },
  ],
});
