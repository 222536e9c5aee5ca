import rule from '../../rules/require-table-schema.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    'CREATE TABLE public.my_table (id int);\n',
    'ALTER TABLE public.my_table ADD COLUMN name text;\nDROP TABLE public.my_table;\n',
    'CREATE TABLE public.my_table AS SELECT 1;\n',
    { name: 'temporary tables live in pg_temp', sql: 'CREATE TEMP TABLE temp_mapping (id int4) ON COMMIT DROP;\nCREATE TEMPORARY TABLE other_temp AS SELECT 1;\n' },
    { name: 'indexes and views are not tables', sql: 'CREATE INDEX my_idx ON public.t (a);\nCREATE VIEW v AS SELECT 1;\n' },
  ],
  invalid: [
    {
      name: 'squawk case 44',
      sql: 'CREATE TABLE my_table (id int);\n',
      errors: [{ messageId: 'unqualified', line: 1, column: 14, endColumn: 22 }],
    },
    {
      sql: sql`
        ALTER TABLE IF EXISTS "My Table" ADD COLUMN name text;
        CREATE TABLE copy AS SELECT 1;
        DROP TABLE IF EXISTS public.a, b, "C" CASCADE;
      `,
      errors: [
        { messageId: 'unqualified', line: 1, column: 23, endColumn: 33 },
        { messageId: 'unqualified', line: 2, column: 14, endColumn: 18 },
        { messageId: 'unqualified', line: 3, column: 32, endColumn: 33 },
        { messageId: 'unqualified', line: 3, column: 35, endColumn: 38 },
      ],
    },
  ],
});
