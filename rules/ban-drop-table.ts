import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'ban-drop-table',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    // The lost data (irreversible-change) is the same drop: a note on this finding.
    subsumes: ['irreversible-change'],
    messages: {
      drop: 'Dropping table {{table}} breaks the running app version if it still uses it, and the data cannot be recovered',
      dropMany: 'Dropping tables {{tables}} breaks the running app version if it still uses them, and their data cannot be recovered',
    },
    docs: {
      summary: 'Disallow dropping tables the running application may still use',
      what: 'Flags `DROP TABLE` of a table that was not created earlier in the same migration.',
      why: 'Queries from the application version still serving traffic fail as soon as the table is gone, and the data is lost. `DROP TABLE` also takes ACCESS EXCLUSIVE on the table and on tables whose foreign keys reference it.',
      example: {
        bad: 'DROP TABLE legacy_events;',
        good: '-- 1. deploy code that no longer uses legacy_events\n-- 2. back it up, then in a later migration, saying why it is safe now:\n-- pgsafe-ignore ban-drop-table: unused since v42, backed up to s3://backups/legacy_events\nDROP TABLE legacy_events;',
      },
      references: ['https://www.postgresql.org/docs/current/sql-droptable.html'],
    },
  },
  create(ctx) {
    return {
      // `DROP TABLE a, b, c` is one statement and one decision: one finding naming every existing table.
      DropStmt(stmt) {
        const rels = stmt.actions.filter((a) => a.type === 'drop-table' && !ctx.isNew(a.relation)).map((a) => a.relation);
        if (rels.length === 0) return;
        const names = rels.map((r) => label(r));
        ctx.report(stmt, rels.length === 1
          ? { messageId: 'drop', data: { table: names[0] }, help: `Stop using ${names[0]} in the application and deploy that first; back up the data, then drop it in a later migration.` }
          : { messageId: 'dropMany', data: { tables: names.join(', ') }, help: `Stop using ${names.join(', ')} in the application and deploy that first; back up the data, then drop them in a later migration.` });
      },
    };
  },
});
