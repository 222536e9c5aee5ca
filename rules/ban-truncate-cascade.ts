import { defineRule } from '../src/engine/rule.js';
import type { AnalysedStatement } from '../src/analysis/types.js';
import type { Rel } from '../src/analysis/names.js';
import { label } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'ban-truncate-cascade',
    category: 'compat',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      cascade: '`TRUNCATE … CASCADE` also empties every table that has a foreign key to {{tables}}, and the tables referencing those, including tables this statement does not name',
    },
    docs: {
      summary: 'Disallow `TRUNCATE … CASCADE`',
      what: 'Flags `TRUNCATE` with `CASCADE`.',
      why: '`CASCADE` follows foreign keys: every table that references a truncated table is truncated too, recursively, without listing them. A table added later with a foreign key to one of these silently becomes part of the statement, and its data is lost. Every table emptied is also locked ACCESS EXCLUSIVE.',
      example: {
        bad: 'TRUNCATE users CASCADE;',
        good: 'TRUNCATE users, orders;',
      },
      references: [
        'https://www.postgresql.org/docs/current/sql-truncate.html',
      ],
    },
  },
  create(ctx) {
    // The tables, and every table the schema model knows to reference them (transitively): what CASCADE would empty.
    const referencing = (rels: Rel[]): Rel[] => {
      const out = new Map(rels.map((r) => [ctx.schema.table(r)?.rel.key ?? r.key, r]));
      for (let grew = true; grew;) {
        grew = false;
        for (const t of ctx.schema.tables.values()) {
          if (out.has(t.rel.key)) continue;
          const refs = [...t.constraints.values()].some((c) => c.kind === 'foreign' && c.references && out.has(ctx.schema.table(c.references)?.rel.key ?? c.references.key));
          if (refs) { out.set(t.rel.key, t.rel); grew = true; }
        }
      }
      return [...out.values()];
    };
    return {
      TruncateStmt(stmt: AnalysedStatement) {
        if (!stmt.actions.some((a) => a.type === 'truncate' && a.cascade)) return;
        const rels = stmt.actions.filter((a) => a.type === 'truncate' && a.relation).map((a) => a.relation!);
        if (rels.length > 0 && rels.every((r) => ctx.isNew(r))) return;
        ctx.report(stmt, {
          messageId: 'cascade',
          data: { tables: rels.map((r) => label(r)).join(', ') || 'them' },
          help: `Name every table to empty explicitly, without CASCADE (Postgres then refuses if another table still references them):\nTRUNCATE ${referencing(rels).map((r) => r.sql).join(', ')};`,
        });
      },
    };
  },
});
