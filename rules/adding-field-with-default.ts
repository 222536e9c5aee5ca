import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent } from '../src/analysis/names.js';

export default defineRule({
  meta: {
    id: 'adding-field-with-default',
    category: 'lock',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      rewrite: 'Adding column {{column}} to {{table}} rewrites the whole table under ACCESS EXCLUSIVE, blocking reads and writes: {{reason}}',
    },
    docs: {
      summary: 'Disallow adding a column whose default forces a table rewrite',
      what: 'Flags `ADD COLUMN` on an existing table with a volatile default (`random()`, `gen_random_uuid()`, `clock_timestamp()`, an unknown function), a serial, identity or stored generated column, or, before PG 11, any default. `now()` is stable, not volatile, and is fine from PG 11.',
      why: 'From PG 11 a non-volatile default is stored in the catalog and the column is added instantly. A volatile default, an identity or serial column, or a stored generated column must be computed for every existing row, so Postgres rewrites the table and all its indexes while holding ACCESS EXCLUSIVE: every read and write waits until the rewrite ends.',
      example: {
        bad: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
        good: 'ALTER TABLE users ADD COLUMN token uuid;\nALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();\n-- then backfill existing rows in batches',
      },
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES',
        'https://www.postgresql.org/docs/current/ddl-alter.html#DDL-ALTER-ADDING-A-COLUMN',
      ],
    },
  },
  create(ctx) {
    return {
      // One statement is one rewrite, however many columns force it: one finding, on the first such column.
      AlterTableStmt(stmt) {
        const adds = stmt.actions.filter((a): a is Extract<typeof a, { type: 'add-column' }> => a.type === 'add-column' && !!a.columnDef && a.cost === 'rewrite' && !ctx.isNew(a.relation));
        if (adds.length === 0) return;
        const action = adds[0];
        const col = action.columnDef!;
        const t = action.relation?.sql ?? 'the_table';
        const c = quoteIdent(col.name);
        const type = col.serial ? (col.type?.name === 'bigserial' ? 'bigint' : col.type?.name === 'smallserial' ? 'smallint' : 'integer') : col.type?.sql ?? '<type>';
        let help: string;
        if (col.default) {
          // Batches by primary key when known, else by ctid; `IS NULL` marks the rows not done yet (the column is new).
          const pk = [...(ctx.schema.table(action.relation)?.constraints.values() ?? [])].find((k) => k.kind === 'primary')?.columns;
          const key = pk?.length === 1 ? quoteIdent(pk[0]) : 'ctid';
          const check = quoteIdent(`${action.relation?.name ?? 'the_table'}_${col.name}_not_null`);
          const notNull = col.notNull
            ? `\n-- then enforce NOT NULL without a long lock (PG 12+ skips the scan after the validated CHECK):\nALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${c} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${check};\nALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL;\nALTER TABLE ${t} DROP CONSTRAINT ${check};`
            : '';
          help = `Add the column without the default, set the default for new rows, then backfill existing rows in batches${col.notNull ? ' and enforce NOT NULL' : ''}:\nALTER TABLE ${t} ADD COLUMN ${c} ${type};\nALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${col.default.sql};\n-- backfill outside the migration's transaction, repeated until it updates 0 rows:\nUPDATE ${t} SET ${c} = ${col.default.sql} WHERE ${key} IN (SELECT ${key} FROM ${t} WHERE ${c} IS NULL LIMIT 1000);${notNull}`;
        } else if (col.generated) {
          help = `Add a plain column, fill it with a trigger for new rows and a batched backfill for old ones:\nALTER TABLE ${t} ADD COLUMN ${c} ${type};`;
        } else {
          help = `Add a nullable column, attach the sequence or identity, then backfill in batches:\nALTER TABLE ${t} ADD COLUMN ${c} ${type};`;
        }
        const others = adds.slice(1).map((a) => `"${a.columnDef!.name}"`);
        if (others.length) help += `\n-- the same for ${others.join(', ')}: each forces the rewrite`;
        ctx.report(stmt, {
          messageId: 'rewrite',
          data: { column: `"${col.name}"${others.length ? ` (and ${others.join(', ')})` : ''}`, table: label(action.relation), reason: action.reason ?? 'the default is computed per row' },
          span: action.span,
          help,
        });
      },
    };
  },
});
