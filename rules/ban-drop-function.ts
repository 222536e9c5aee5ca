import { defineRule } from '../src/engine/rule.js';
import type { AnalysedStatement } from '../src/analysis/types.js';
const KINDS = new Set(['function', 'procedure', 'routine']);

export default defineRule({
  meta: {
    id: 'ban-drop-function',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      drop: 'Dropping {{kind}} {{names}} breaks the running app version if it still calls it, and every trigger, default or view that uses it',
    },
    docs: {
      summary: 'Disallow dropping functions and procedures the running application may still call',
      what: 'Flags `DROP FUNCTION`, `DROP PROCEDURE` and `DROP ROUTINE`, once per statement.',
      why: 'Calls from the application version still serving traffic fail with `function does not exist` as soon as it is gone. Postgres refuses the drop while a trigger, column default or view depends on the function, unless `CASCADE` drops those too, silently removing a trigger or a default.',
      example: {
        bad: 'DROP FUNCTION user_score(bigint);',
        good: '-- 1. deploy code that no longer calls user_score\n-- 2. in a later migration, saying why it is safe now:\n-- pgsafe-ignore ban-drop-function: unused since v42\nDROP FUNCTION user_score(bigint);',
      },
      whenNotToUse: 'When no application version in service calls it; ignore it with `-- pgsafe-ignore ban-drop-function: unused since <release>`. To change a body, `CREATE OR REPLACE FUNCTION` keeps the function in place.',
      references: [
        'https://www.postgresql.org/docs/current/sql-dropfunction.html',
        'https://www.postgresql.org/docs/current/sql-dropprocedure.html',
        'https://www.postgresql.org/docs/current/sql-droproutine.html',
      ],
    },
  },
  create(ctx) {
    return {
      DropStmt(stmt: AnalysedStatement) {
        const drops = stmt.actions.flatMap((a) => (a.type === 'drop-object' && KINDS.has(a.objectType) ? [a] : []));
        const kind = drops[0]?.objectType;
        if (!kind) return;
        const names = drops.map((a) => `"${(a.names ?? []).join('.')}"`);
        ctx.report(stmt, {
          messageId: 'drop',
          data: { kind: names.length > 1 ? `${kind}s` : kind, names: names.join(', ') },
          help: `Stop calling the ${kind} from the application and deploy that first; drop it in a later migration. To change its body instead, use CREATE OR REPLACE.`,
        });
      },
    };
  },
});
