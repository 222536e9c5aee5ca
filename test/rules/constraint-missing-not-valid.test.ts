import rule from '../../rules/constraint-missing-not-valid.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'ALTER TABLE authors ADD CONSTRAINT name_not_null CHECK (name IS NOT NULL) NOT VALID;\n',
    { name: 'validated in a later transaction', sql: sql`
      BEGIN;
      ALTER TABLE app_email ADD CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES app_user (id) NOT VALID;
      COMMIT;
      ALTER TABLE app_email VALIDATE CONSTRAINT fk_user;
    ` },
    { name: "squawk's new table in a transaction", sql: sql`
      BEGIN;
      CREATE TABLE "core_foo" ("id" serial NOT NULL PRIMARY KEY, "age" integer NOT NULL);
      ALTER TABLE "core_foo" ADD CONSTRAINT "age_restriction" CHECK ("age" >= 25);
      COMMIT;
    ` },
    'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\n',
  ],
  invalid: [
    {
      name: 'inside BEGIN … COMMIT: reported, but no fix (the added VALIDATE would run under the add\'s lock)',
      sql: 'BEGIN;\nALTER TABLE authors ADD CONSTRAINT name_not_null CHECK (name IS NOT NULL);\nCOMMIT;\n',
      errors: [{ messageId: 'missing', line: 2, column: 25 }],
      output: null,
    },
    {
      sql: 'ALTER TABLE authors ADD CONSTRAINT name_not_null CHECK (name IS NOT NULL);\n',
      errors: [{ messageId: 'missing', line: 1, column: 25 }],
      output: 'ALTER TABLE authors ADD CONSTRAINT name_not_null CHECK (name IS NOT NULL) NOT VALID;\nALTER TABLE authors VALIDATE CONSTRAINT name_not_null;\n',
    },
    {
      name: 'VALIDATE in the same transaction as the NOT VALID add',
      sql: sql`
        BEGIN;
        ALTER TABLE "app_email" ADD CONSTRAINT "fk_user" FOREIGN KEY (user_id) REFERENCES "app_user" (id) NOT VALID;
        ALTER TABLE "app_email" VALIDATE CONSTRAINT "fk_user";
        COMMIT;
      `,
      errors: [{ messageId: 'sameTransaction', line: 3, column: 1 }],
    },
    {
      name: 'unnamed FK in a file run in a transaction: no fix',
      sql: 'ALTER TABLE app."Orders" ADD FOREIGN KEY (user_id) REFERENCES users (id);\n',
      settings: { assumeInTransaction: true },
      errors: [{ messageId: 'missing', line: 1, column: 30 }],
      output: null,
    },
  ],
});
