import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent } from '../src/analysis/names.js';

export default defineRule({
  meta: {
    id: 'adding-required-field',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      required: 'Adding NOT NULL column {{column}} without a DEFAULT to {{table}} fails if the table has any row, and breaks inserts from the running app version',
    },
    docs: {
      summary: 'Disallow adding a NOT NULL column without a default to an existing table',
      what: 'Flags `ADD COLUMN … NOT NULL` without `DEFAULT` (and not identity, serial or generated) on an existing table.',
      why: 'Postgres rejects the statement with `column contains null values` as soon as the table has a row, so the migration fails at deploy. If it does succeed on an empty table, the previous application version, which does not know the column, can no longer insert rows.',
      example: {
        bad: 'ALTER TABLE users ADD COLUMN plan text NOT NULL;',
        good: "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';",
      },
      references: ['https://www.postgresql.org/docs/current/ddl-alter.html#DDL-ALTER-ADDING-A-COLUMN'],
    },
  },
  create(ctx) {
    return {
      'add-column'(action, stmt) {
        const col = action.columnDef;
        if (!col || !col.notNull || col.default || col.identity || col.serial || col.generated || ctx.isNew(action.relation)) return;
        const t = action.relation?.sql ?? 'the_table';
        const c = quoteIdent(col.name);
        ctx.report(stmt, {
          messageId: 'required',
          data: { column: `"${col.name}"`, table: label(action.relation) },
          span: action.span,
          help: `Give it a constant default (catalog-only from PG 11), or add it nullable, backfill, then enforce NOT NULL with a validated CHECK:\nALTER TABLE ${t} ADD COLUMN ${c} ${col.type?.sql ?? '<type>'} NOT NULL DEFAULT <constant>;`,
        });
      },
    };
  },
});
