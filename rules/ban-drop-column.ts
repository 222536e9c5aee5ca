import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'ban-drop-column',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    // The lost data (irreversible-change) is the same drop: a note on this finding.
    subsumes: ['irreversible-change'],
    messages: {
      drop: 'Dropping column {{column}} of {{table}} breaks the running app version, which still reads or writes it, and its data cannot be recovered',
    },
    docs: {
      summary: 'Disallow dropping columns the running application may still use',
      what: 'Flags `ALTER TABLE … DROP COLUMN` on an existing table.',
      why: 'During a deploy the previous application version is still serving traffic. Any query that names the column (including `INSERT` with an explicit column list and ORMs that select every known column) fails as soon as the column is gone. The drop takes ACCESS EXCLUSIVE briefly, and the data is lost for good.',
      example: {
        bad: 'ALTER TABLE users DROP COLUMN legacy_flag;',
        good: '-- 1. deploy code that no longer reads or writes users.legacy_flag (Rails: ignored_columns)\n-- 2. in a later migration, saying why it is safe now:\n-- pgsafe-ignore ban-drop-column: no released app version reads users.legacy_flag since v42\nALTER TABLE users DROP COLUMN legacy_flag;',
      },
      whenNotToUse: 'When every application version in service has stopped using the column; then ignore it with `-- pgsafe-ignore ban-drop-column: unused since <release>`.',
      references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DESC-DROP-COLUMN'],
    },
  },
  create(ctx) {
    return {
      'drop-column'(action, stmt) {
        if (ctx.isNew(action.relation)) return;
        ctx.report(stmt, {
          messageId: 'drop',
          data: { column: `"${action.column}"`, table: label(action.relation) },
          span: action.span,
          help: `Stop using the column in the application first and deploy that; drop it in a later migration once no running version references "${action.column}".`,
        });
      },
    };
  },
});
