import rule from '../../rules/adding-not-nullable-field.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

const validatedThenSet = sql`
  ALTER TABLE users ADD CONSTRAINT users_name_not_null CHECK (name IS NOT NULL) NOT VALID;
  ALTER TABLE users VALIDATE CONSTRAINT users_name_not_null;
  ALTER TABLE users ALTER COLUMN name SET NOT NULL;
`;

ruleTester(rule, {
  valid: [
    { name: 'PG 12: a validated CHECK proves it', sql: validatedThenSet, settings: { pgVersion: 12 } },
    { name: "squawk's gh-628 regression on PG 16", sql: sql`
      BEGIN;
      ALTER TABLE foo ADD COLUMN bar BIGINT;
      ALTER TABLE foo ADD CONSTRAINT bar_not_null CHECK (bar IS NOT NULL) NOT VALID;
      COMMIT;
      BEGIN;
      ALTER TABLE foo VALIDATE CONSTRAINT bar_not_null;
      ALTER TABLE foo ALTER COLUMN bar SET NOT NULL;
      ALTER TABLE foo DROP CONSTRAINT bar_not_null;
      COMMIT;
    `, settings: { pgVersion: 16 } },
    { name: 'table created in the file', sql: 'CREATE TABLE users (name text);\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\n' },
  ],
  invalid: [
    { sql: 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n', errors: [{ messageId: 'scan', line: 1, column: 1, endLine: 1, endColumn: 49 }] },
    { name: 'PG 11: the validated CHECK does not help yet', sql: validatedThenSet, settings: { pgVersion: 11 }, errors: [{ messageId: 'scan', line: 3, column: 1 }] },
    {
      name: 'CHECK still NOT VALID, quoted schema-qualified',
      sql: sql`
        ALTER TABLE app."Users" ADD CONSTRAINT test CHECK ("Name" IS NOT NULL) NOT VALID;
        ALTER TABLE app."Users" ALTER COLUMN "Name" SET NOT NULL;
      `,
      settings: { pgVersion: 12 },
      errors: [{ messageId: 'scan', line: 2, column: 1 }],
    },
  ],
});
