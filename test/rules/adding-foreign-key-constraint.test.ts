import rule from '../../rules/adding-foreign-key-constraint.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'ALTER TABLE "email" ADD CONSTRAINT "fk_user" FOREIGN KEY ("user_id") REFERENCES "user" ("id") NOT VALID;\n',
    { name: 'NOT VALID then VALIDATE', sql: sql`
      ALTER TABLE email ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
      ALTER TABLE email VALIDATE CONSTRAINT fk_user;
    ` },
    { name: 'referencing table created in the file', sql: sql`
      CREATE TABLE orders (id bigint, user_id bigint REFERENCES users (id));
      ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
    ` },
    'ALTER TABLE orders ADD COLUMN user_id bigint;\n',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users ADD CONSTRAINT fk_users_order FOREIGN KEY (order_id) REFERENCES orders (id);\n',
      errors: [{ messageId: 'validating', line: 1, column: 23 }],
    },
    {
      name: 'column with REFERENCES, quoted schema-qualified, in a transaction',
      sql: 'BEGIN;\nALTER TABLE app."Orders" ADD COLUMN user_id bigint REFERENCES app.users (id);\nCOMMIT;\n',
      errors: [{ messageId: 'validating', line: 2, column: 1 }],
    },
  ],
});
