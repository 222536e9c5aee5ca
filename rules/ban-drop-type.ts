import { defineRule } from '../src/engine/rule.js';
import type { AnalysedStatement } from '../src/analysis/types.js';

export default defineRule({
  meta: {
    id: 'ban-drop-type',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      type: 'Dropping type {{names}} breaks the running app version if its queries cast to it or bind parameters of it{{cascade}}',
      cast: 'Dropping the cast {{names}} breaks the running app version if its queries rely on it',
    },
    docs: {
      summary: 'Disallow dropping types and casts the running application may still use',
      what: 'Flags `DROP TYPE` and `DROP CAST`, once per statement.',
      why: 'Queries from the application version still serving traffic that cast to the type or pass parameters of it fail with `type does not exist` as soon as it is gone. Postgres refuses to drop a type that a column uses, unless `CASCADE` drops those columns too, with their data.',
      example: {
        bad: 'DROP TYPE order_status;',
        good: '-- 1. deploy code that no longer uses order_status\n-- 2. in a later migration, saying why it is safe now:\n-- pgsafe-ignore ban-drop-type: unused since v42\nDROP TYPE order_status;',
      },
      whenNotToUse: 'When no application version in service uses the type; ignore it with `-- pgsafe-ignore ban-drop-type: unused since <release>`.',
      references: [
        'https://www.postgresql.org/docs/current/sql-droptype.html',
        'https://www.postgresql.org/docs/current/sql-dropcast.html',
      ],
    },
  },
  create(ctx) {
    const typeName = (names: string[] = []) => `"${names.filter((s) => s !== 'pg_catalog').join('.')}"`;
    return {
      DropStmt(stmt: AnalysedStatement) {
        const drops = stmt.actions.flatMap((a) => (a.type === 'drop-object' ? [a] : []));
        const types = drops.filter((a) => a.objectType === 'type');
        const cast = drops.find((a) => a.objectType === 'cast')?.cast;
        if (types.length > 0) {
          ctx.report(stmt, {
            messageId: 'type',
            data: { names: types.map((a) => typeName(a.names)).join(', '), cascade: types[0].cascade ? ', and CASCADE also drops every column of that type with its data' : '' },
            help: 'Stop using the type in the application and deploy that first; drop it in a later migration, without CASCADE, so Postgres refuses while a column still uses it.',
          });
        } else if (drops.some((a) => a.objectType === 'cast')) {
          ctx.report(stmt, {
            messageId: 'cast',
            data: { names: `(${typeName(cast?.from)} AS ${typeName(cast?.to)})` },
            help: 'Stop relying on the cast in the application and deploy that first; drop it in a later migration.',
          });
        }
      },
    };
  },
});
