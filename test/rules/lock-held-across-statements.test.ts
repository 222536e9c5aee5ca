import { describe, expect, it } from 'vitest';
import rule from '../../rules/lock-held-across-statements.js';
import { lintWith, ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'COMMIT releases the lock', sql: sql`
      BEGIN;
      ALTER TABLE authors ADD COLUMN created_at timestamptz;
      COMMIT;
      SELECT count(*) FROM authors;
    ` },
    { name: 'outside a transaction each statement commits', sql: sql`
      ALTER TABLE authors ADD COLUMN created_at timestamptz;
      SELECT count(*) FROM authors;
    ` },
    { name: 'quick catalog changes after the lock', sql: sql`
      BEGIN;
      ALTER TABLE authors ADD COLUMN created_at timestamptz;
      ALTER TABLE authors ADD COLUMN updated_at timestamptz;
      COMMIT;
    ` },
    { name: 'locks on a table created in the transaction block nobody', sql: sql`
      BEGIN;
      CREATE TABLE books (id bigint, title text);
      INSERT INTO books VALUES (1, 'x');
      CREATE INDEX books_title_idx ON books (title);
      COMMIT;
    ` },
    { name: 'SHARE UPDATE EXCLUSIVE blocks neither reads nor writes', sql: sql`
      BEGIN;
      ALTER TABLE authors VALIDATE CONSTRAINT authors_name_check;
      SELECT 1;
      COMMIT;
    ` },
    { name: 'quick inserts and keyed updates after the lock', sql: sql`
      BEGIN;
      ALTER TABLE local_user ADD COLUMN lang text;
      INSERT INTO language (code, name) VALUES ('sv', 'Svenska');
      UPDATE site SET name = 'x' WHERE id = 1;
      SELECT setval('language_id_seq', 10);
      COMMIT;
    ` },
    { name: 'the later statement locks the same table as strongly itself', sql: sql`
      BEGIN;
      ALTER TABLE otts DROP CONSTRAINT IF EXISTS unique_otts_ott;
      ALTER TABLE otts ADD CONSTRAINT unique_otts_app_ott UNIQUE (ott, app);
      COMMIT;
    ` },
  ],
  invalid: [
    {
      name: "eugene E4: a query after ACCESS EXCLUSIVE",
      sql: sql`
        set local lock_timeout = '2s';
        alter table authors add column created_at timestamptz;
        select count(*) from authors;
      `,
      settings: { assumeInTransaction: true },
      errors: [{ messageId: 'held', line: 3, column: 1 }],
    },
    {
      name: 'a rewrite of another table while the first lock is held; the backfill after it is the same transaction',
      sql: sql`
        BEGIN;
        ALTER TABLE authors ADD COLUMN meta jsonb;
        ALTER TABLE prices ALTER COLUMN price TYPE bigint;
        UPDATE app."Authors" SET meta = '{}' WHERE meta IS NULL;
        COMMIT;
      `,
      errors: [{ messageId: 'held', line: 3, column: 1 }],
    },
    {
      name: 'reported once per transaction',
      sql: sql`
        BEGIN;
        ALTER TABLE authors ADD COLUMN meta jsonb;
        INSERT INTO audit SELECT * FROM authors;
        CREATE INDEX authors_meta_idx ON authors (meta);
        COMMIT;
        BEGIN;
        ALTER TABLE authors DROP COLUMN meta;
        DELETE FROM audit;
        COMMIT;
      `,
      errors: [{ messageId: 'held', line: 3, column: 1 }, { messageId: 'held', line: 8, column: 1 }],
    },
    {
      name: 'validating in the transaction that added the constraint (writes blocked by SHARE ROW EXCLUSIVE)',
      sql: sql`
        BEGIN;
        ALTER TABLE users ADD CONSTRAINT fk_users_order FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;
        ALTER TABLE users VALIDATE CONSTRAINT fk_users_order;
        COMMIT;
      `,
      errors: [{ messageId: 'held', line: 3, column: 1 }],
    },
  ],
});

describe('lock-held-across-statements help', () => {
  const text = 'ALTER TABLE authors ADD COLUMN meta jsonb;\nSELECT count(*) FROM authors;\n';
  it('splits the explicit transaction', async () => {
    const { findings } = await lintWith(rule, `BEGIN;\n${text}COMMIT;\n`);
    expect(findings[0].help).toBe('End the transaction right after the statement that takes the lock, and run this one in its own transaction:\nCOMMIT;\nBEGIN;\nSELECT count(*) FROM authors;');
  });
  it('counts the other tables whose locks are held', async () => {
    const { findings } = await lintWith(rule, 'BEGIN;\nALTER TABLE authors ADD COLUMN meta jsonb;\nALTER TABLE books ADD COLUMN meta jsonb;\nUPDATE audit SET seen = true;\nCOMMIT;\n');
    expect(findings.map((f) => f.message)).toEqual([
      'ACCESS EXCLUSIVE on "authors" (and locks on 1 other table), taken by an earlier statement of this transaction, is held until COMMIT: reads and writes of "authors" stay blocked while this statement scans the whole of "audit"',
    ]);
  });
  it('moves the statement to a later file when the tool wraps the file', async () => {
    const { findings } = await lintWith(rule, text, { assumeInTransaction: true });
    expect(findings[0].help).toBe('Move this statement to a later migration file, so it runs after the transaction holding the lock on "authors" has committed:\nSELECT count(*) FROM authors;');
  });
});
