import { describe, expect, it } from 'vitest';
import rule from '../../rules/unbatched-backfill.js';
import { lintWith, ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    "UPDATE users SET active = true WHERE id = 42;\n",
    "UPDATE users SET active = true WHERE id IN (SELECT id FROM users WHERE active IS NULL LIMIT 1000);\n",
    "UPDATE users SET active = true WHERE id BETWEEN 1 AND 1000 AND active IS NULL;\n",
    "UPDATE users SET active = true WHERE id >= 1000 AND id < 2000;\n",
    "DELETE FROM sessions WHERE token IN ('a', 'b');\n",
    "DELETE FROM sessions WHERE id = ANY($1);\n",
    "DELETE FROM events WHERE ctid = ANY(ARRAY(SELECT ctid FROM events WHERE created_at < now() - interval '90 days' LIMIT 5000));\n",
    { name: 'table created in the file', sql: sql`
      CREATE TABLE users (id bigint, active boolean);
      UPDATE users SET active = true;
    ` },
    'INSERT INTO users (id) VALUES (1);\n',
    { name: 'system catalogs', sql: 'UPDATE pg_index SET indisvalid = true;\n' },
  ],
  invalid: [
    {
      sql: 'UPDATE users SET active = true WHERE active IS NULL;\n',
      errors: [{ messageId: 'unbatched', line: 1, column: 1, endLine: 1, endColumn: 52 }],
    },
    {
      name: 'no WHERE, one-sided range, OR with a broad side, quoted schema-qualified table',
      sql: sql`
        UPDATE app."Users" SET active = true;
        DELETE FROM events WHERE created_at < now() - interval '90 days';
        UPDATE users SET role = 'member' WHERE id = 1 OR role IS NULL;
      `,
      errors: [{ messageId: 'unbatched', line: 1, column: 1 }, { messageId: 'unbatched', line: 2, column: 1 }, { messageId: 'unbatched', line: 3, column: 1 }],
    },
    {
      name: 'UPDATE … FROM a join, boolean equality is not a key',
      sql: sql`
        BEGIN;
        UPDATE orders o SET user_name = u.name FROM users u WHERE o.user_id = u.id;
        DELETE FROM users WHERE deleted = true;
        COMMIT;
      `,
      errors: [{ messageId: 'unbatched', line: 2, column: 1 }, { messageId: 'unbatched', line: 3, column: 1 }],
    },
  ],
});

describe('unbatched-backfill help', () => {
  it('batches the user\'s own UPDATE by the primary key the schema model knows', async () => {
    const { findings } = await lintWith(rule, 'ALTER TABLE accounts ADD COLUMN uid bigint PRIMARY KEY;\nUPDATE accounts SET plan = \'free\' WHERE plan IS NULL RETURNING uid;\n');
    expect(findings[0].help).toContain("UPDATE accounts SET plan = 'free' WHERE uid IN (SELECT uid FROM accounts WHERE plan IS NULL LIMIT 1000);");
  });
  it('quotes the WHERE of the statement, not of its WITH clause', async () => {
    const { findings } = await lintWith(rule, 'WITH old AS (SELECT id FROM users WHERE id = 1)\nDELETE FROM sessions WHERE expires_at < now();\n');
    expect(findings[0].message).toContain('`expires_at < now()`');
    expect(findings[0].help).toBe("Backfill in batches outside the migration's DDL transaction, repeating until no row is left:\nDELETE FROM sessions WHERE id IN (SELECT id FROM sessions WHERE expires_at < now() LIMIT 1000);");
  });
});
