import { defineRule } from '../src/engine/rule.js';
import type { AnalysedStatement } from '../src/analysis/types.js';
import { label } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'ban-drop-view',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      drop: 'Dropping {{kind}} {{views}} breaks the running app version if it still queries it',
    },
    docs: {
      summary: 'Disallow dropping views the running application may still query',
      what: 'Flags `DROP VIEW` and `DROP MATERIALIZED VIEW` of a view that was not created earlier in the same migration, once per statement.',
      why: 'Queries from the application version still serving traffic fail with `relation does not exist` as soon as the view is gone. The drop takes ACCESS EXCLUSIVE on the view, and `CASCADE` also drops the views built on it.',
      example: {
        bad: 'DROP VIEW active_users;',
        good: '-- 1. deploy code that no longer queries active_users\n-- 2. in a later migration, saying why it is safe now:\n-- pgsafe-ignore ban-drop-view: unused since v42\nDROP VIEW active_users;',
      },
      whenNotToUse: 'When no application version in service queries the view; ignore it with `-- pgsafe-ignore ban-drop-view: unused since <release>`. To change a view\'s query, `CREATE OR REPLACE VIEW` keeps it in place.',
      references: [
        'https://www.postgresql.org/docs/current/sql-dropview.html',
        'https://www.postgresql.org/docs/current/sql-dropmaterializedview.html',
      ],
    },
  },
  create(ctx) {
    return {
      DropStmt(stmt: AnalysedStatement) {
        const views = stmt.actions.filter((a) => a.type === 'drop-view' && !ctx.isNew(a.relation));
        if (views.length === 0) return;
        const matview = views.some((a) => a.type === 'drop-view' && a.materialized);
        ctx.report(stmt, {
          messageId: 'drop',
          data: { kind: matview ? 'materialized view' : views.length > 1 ? 'views' : 'view', views: views.map((a) => label(a.relation)).join(', ') },
          help: 'Stop querying the view in the application and deploy that first; drop it in a later migration. To change its query instead, use CREATE OR REPLACE VIEW.',
        });
      },
    };
  },
});
