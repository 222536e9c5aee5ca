import rule from '../../rules/adding-field-with-default.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'PG 11: a constant default is catalog-only', sql: 'ALTER TABLE core_recipe ADD COLUMN foo integer DEFAULT 10;\n', settings: { pgVersion: 11 } },
    { name: 'now() is stable, evaluated once: no rewrite', sql: 'ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();\n' },
    'ALTER TABLE "core_recipe" ADD COLUMN "foo" boolean DEFAULT true;\n',
    "ALTER TABLE users ADD COLUMN nice uuid;\nALTER TABLE users ALTER COLUMN nice SET DEFAULT gen_random_uuid();\n",
    { name: 'table created in the file', sql: sql`
      CREATE TABLE users (id bigint);
      ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();
    ` },
  ],
  invalid: [
    {
      name: 'PG 10: any default rewrites',
      sql: 'ALTER TABLE core_recipe ADD COLUMN foo integer DEFAULT 10;\n',
      settings: { pgVersion: 10 },
      errors: [{ messageId: 'rewrite', line: 1, column: 1 }],
    },
    {
      name: 'volatile default, generated stored column, quoted schema-qualified',
      sql: sql`
        ALTER TABLE users ADD COLUMN nice uuid DEFAULT gen_random_uuid();
        ALTER TABLE app."Users" ADD COLUMN lower_city varchar GENERATED ALWAYS AS (LOWER(city)) STORED;
      `,
      errors: [{ messageId: 'rewrite', line: 1, column: 1 }, { messageId: 'rewrite', line: 2, column: 1 }],
    },
  ],
});
