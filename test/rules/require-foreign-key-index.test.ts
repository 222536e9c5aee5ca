import rule from '../../rules/require-foreign-key-index.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'index created later in the same file', sql: sql`
      CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
      CREATE INDEX orders_user_id_idx ON orders (user_id);
    ` },
    { name: 'the referencing column is the primary key', sql: 'CREATE TABLE profiles (user_id bigint PRIMARY KEY REFERENCES users (id));\n' },
    { name: 'a composite index leading with the columns, in another order', sql: sql`
      CREATE TABLE items (order_id bigint, shop_id bigint, n int, FOREIGN KEY (shop_id, order_id) REFERENCES orders (shop_id, id));
      CREATE UNIQUE INDEX items_order_shop_n ON items (order_id, shop_id, n);
    ` },
    { name: 'index created before the constraint', sql: sql`
      CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);
      ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
    ` },
    { name: 'table dropped later in the file', sql: sql`
      CREATE TABLE tmp (user_id bigint REFERENCES users);
      DROP TABLE tmp;
    ` },
    { name: 'a unique constraint covers the column', sql: 'CREATE TABLE accounts (owner_id bigint UNIQUE REFERENCES users);\n' },
  ],
  invalid: [
    {
      name: 'column REFERENCES in CREATE TABLE: plain CREATE INDEX in the help, as the table is new',
      sql: sql`
        CREATE TABLE orders (
          id bigint PRIMARY KEY,
          user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE
        );
      `,
      errors: [{ messageId: 'missing', line: 3, column: 27, endLine: 3, endColumn: 48 }],
    },
    {
      name: 'ALTER TABLE ADD CONSTRAINT and ADD COLUMN REFERENCES on existing tables, an index on another column',
      sql: sql`
        CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at);
        ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
        ALTER TABLE app."Line Items" ADD COLUMN order_id bigint REFERENCES orders;
      `,
      errors: [{ messageId: 'missing', line: 2, column: 24 }, { messageId: 'missing', line: 3, column: 57, endColumn: 74 }],
    },
    {
      name: 'table constraint with two columns; an index on only the first does not cover it',
      sql: sql`
        CREATE TABLE items (
          order_id bigint, shop_id bigint,
          CONSTRAINT items_order_fk FOREIGN KEY (order_id, shop_id) REFERENCES orders (id, shop_id)
        );
        CREATE INDEX items_order_idx ON items (order_id);
      `,
      errors: [{ messageId: 'missing', line: 3, column: 3, endColumn: 92 }],
    },
  ],
});
