import { describe, expect, it } from 'vitest';
import rule from '../../rules/adding-serial-primary-key-field.js';
import { lint } from '../../src/engine/engine.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'table created in the file', sql: sql`
      CREATE TABLE items (id bigint);
      ALTER TABLE items ADD PRIMARY KEY (id);
    ` },
    { name: 'USING INDEX on a table pgsafe knows nothing about', sql: 'ALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY USING INDEX items_pkey;\n' },
    'ALTER TABLE items ADD COLUMN id bigint;\n',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE items ADD PRIMARY KEY (id);\n',
      errors: [{ messageId: 'build', line: 1, column: 23, endLine: 1, endColumn: 39 }],
    },
    {
      name: 'serial column with PRIMARY KEY, quoted schema-qualified table',
      sql: 'ALTER TABLE app."Items" ADD COLUMN id serial PRIMARY KEY;\n',
      errors: [{ messageId: 'build', line: 1, column: 1 }],
    },
    {
      name: 'USING INDEX over a column the file shows to be nullable (pre-existing table)',
      sql: sql`
        ALTER TABLE tags ADD COLUMN name text;
        CREATE UNIQUE INDEX CONCURRENTLY tags_name_key ON tags (name);
        ALTER TABLE tags ADD CONSTRAINT tags_name_pkey PRIMARY KEY USING INDEX tags_name_key;
      `,
      errors: [{ messageId: 'implicitNotNull', line: 3, column: 22 }],
    },
    {
      name: 'named constraint, second subcommand',
      sql: 'ALTER TABLE items ADD COLUMN sku text,\n  ADD CONSTRAINT items_pkey PRIMARY KEY (sku);\n',
      errors: [{ messageId: 'build', line: 2, column: 7 }],
    },
  ],
});

// USING INDEX needs a table known from an earlier migration (not new in this file).
describe('adding-serial-primary-key-field with an earlier migration', () => {
  const setup = 'CREATE TABLE tags (name text, id bigint NOT NULL);\nCREATE UNIQUE INDEX tags_name_key ON tags (name);\nCREATE UNIQUE INDEX tags_id_key ON tags (id);\n';
  const run = async (text: string) => {
    const res = await lint([{ path: '001.sql', text: setup, lint: false }, { path: '002.sql', text }], {
      rules: [rule], pgVersion: 15, assumeInTransaction: false, ruleSettings: { [rule.meta.id]: 'error' },
    });
    return res[1].findings.map((f) => `${f.messageId} ${f.line}:${f.column} ${f.message}`);
  };
  it('flags USING INDEX over a nullable column (Postgres sets NOT NULL with a scan)', async () => {
    expect(await run('ALTER TABLE tags ADD CONSTRAINT tags_name_pkey PRIMARY KEY USING INDEX tags_name_key;\n')).toEqual([
      'implicitNotNull 1:22 `PRIMARY KEY USING INDEX` "tags_name_key" sets NOT NULL on "name" of "tags", scanning the whole table while holding ACCESS EXCLUSIVE, blocking reads and writes',
    ]);
  });
  it('accepts USING INDEX over a NOT NULL column', async () => {
    expect(await run('ALTER TABLE tags ADD CONSTRAINT tags_pkey PRIMARY KEY USING INDEX tags_id_key;\n')).toEqual([]);
  });
  it('accepts USING INDEX after SET NOT NULL in the same file', async () => {
    expect(await run('ALTER TABLE tags ALTER COLUMN name SET NOT NULL;\nALTER TABLE tags ADD CONSTRAINT tags_name_pkey PRIMARY KEY USING INDEX tags_name_key;\n')).toEqual([]);
  });
});
