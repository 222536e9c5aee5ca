import { defineRule } from '../src/engine/rule.js';
import { lockPhrase } from '../src/analysis/lock-phrase.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent } from '../src/analysis/names.js';

export default defineRule({
  meta: {
    id: 'adding-serial-primary-key-field',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    // Adding a serial primary key is one problem: its rewrite (adding-field-with-default) is a note here.
    subsumes: ['adding-field-with-default'],
    messages: {
      build: 'Adding primary key {{name}} builds its unique index while holding {{lock}} on {{table}}, blocking {{blocked}} for the whole build',
      implicitNotNull: '`PRIMARY KEY USING INDEX` {{index}} sets NOT NULL on {{columns}} of {{table}}, scanning the whole table while holding {{lock}}, blocking {{blocked}}',
    },
    docs: {
      summary: 'Require primary keys on existing tables to be added `USING INDEX` an index built concurrently',
      what: 'Flags `ALTER TABLE … ADD PRIMARY KEY (…)` and `ADD COLUMN … PRIMARY KEY` on an existing table. With `USING INDEX`, flags the columns that the schema model does not know to be NOT NULL, because Postgres then sets NOT NULL on them itself.',
      why: 'Adding a primary key builds a unique index over the whole table while holding ACCESS EXCLUSIVE, so reads and writes wait for the entire build. Building the index first with `CREATE UNIQUE INDEX CONCURRENTLY` and then attaching it with `ADD CONSTRAINT … PRIMARY KEY USING INDEX` only takes a brief lock, provided the columns are already NOT NULL: otherwise Postgres sets NOT NULL, which scans the table under ACCESS EXCLUSIVE.',
      example: {
        bad: 'ALTER TABLE items ADD PRIMARY KEY (id);',
        good: 'CREATE UNIQUE INDEX CONCURRENTLY items_pkey ON items (id);\nALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY USING INDEX items_pkey;',
      },
      whenNotToUse: 'On a small table, or in a maintenance window.',
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-ADD-TABLE-CONSTRAINT-USING-INDEX',
        'https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY',
      ],
    },
  },
  create(ctx) {
    const help = (t: string, name: string, cols: string[]) => {
      const c = cols.map(quoteIdent).join(', ');
      const n = quoteIdent(name);
      const checks = cols.map((col) => `-- if ${quoteIdent(col)} is nullable, prove it first: ADD CONSTRAINT … CHECK (${quoteIdent(col)} IS NOT NULL) NOT VALID, VALIDATE, SET NOT NULL`).join('\n');
      return `Build the unique index concurrently, then attach it as the primary key:\n${checks}\nCREATE UNIQUE INDEX CONCURRENTLY ${n} ON ${t} (${c});\nALTER TABLE ${t} ADD CONSTRAINT ${n} PRIMARY KEY USING INDEX ${n};`;
    };
    return {
      'add-constraint'(action, stmt) {
        const c = action.constraint;
        if (!c || c.kind !== 'primary' || ctx.isNew(action.relation)) return;
        const t = action.relation?.sql ?? 'the_table';
        const name = c.name ?? `${action.relation?.name ?? 't'}_pkey`;
        if (!c.usingIndex) {
          ctx.report(stmt, { messageId: 'build', data: { name: `"${name}"`, table: label(action.relation), ...lockPhrase(stmt, action.relation) }, span: action.span, help: help(t, name, c.columns.length ? c.columns : ['<columns>']) });
          return;
        }
        // USING INDEX: Postgres sets NOT NULL on the index's columns, scanning the table if any is nullable.
        const table = ctx.schema.table(action.relation);
        const idx = ctx.schema.index({ ...(action.relation ?? { name: '', key: '', sql: '' }), name: c.usingIndex, key: `${action.relation?.schema ?? 'public'}.${c.usingIndex}` });
        if (!table || !idx) return;
        const nullable = idx.columns.filter((col) => { const info = table.columns.get(col); return !!info && !info.notNull; });
        if (nullable.length === 0) return;
        const checks = nullable.map((col) => {
          const chk = quoteIdent(`${action.relation?.name ?? 't'}_${col}_not_null`);
          return `ALTER TABLE ${t} ADD CONSTRAINT ${chk} CHECK (${quoteIdent(col)} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${chk};\nALTER TABLE ${t} ALTER COLUMN ${quoteIdent(col)} SET NOT NULL;`;
        }).join('\n');
        ctx.report(stmt, {
          messageId: 'implicitNotNull',
          data: { index: `"${c.usingIndex}"`, columns: nullable.map((x) => `"${x}"`).join(', '), table: label(action.relation), ...lockPhrase(stmt, action.relation) },
          span: action.span,
          help: `Make the columns NOT NULL first without a long lock (PG 12+ skips the scan after a validated CHECK), then attach the index:\n${checks}\n${stmt.source.text.trim()};`,
        });
      },
      'add-column'(action, stmt) {
        const col = action.columnDef;
        if (!col?.primaryKey || ctx.isNew(action.relation)) return;
        const t = action.relation?.sql ?? 'the_table';
        const name = `${action.relation?.name ?? 't'}_pkey`;
        ctx.report(stmt, {
          messageId: 'build',
          data: { name: `"${name}"`, table: label(action.relation), ...lockPhrase(stmt, action.relation) },
          span: action.span,
          help: `Add the column without PRIMARY KEY and fill it, then build the unique index concurrently and attach it:\nALTER TABLE ${t} ADD COLUMN ${quoteIdent(col.name)} ${col.serial ? (col.type?.name === 'bigserial' ? 'bigint' : 'integer') : col.type?.sql ?? '<type>'};\n${help(t, name, [col.name]).split('\n').slice(2).join('\n')}`,
        });
      },
    };
  },
});
