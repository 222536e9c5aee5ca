import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent, strings } from '../src/analysis/names.js';
import { minLocation } from '../src/analysis/classify.js';
import type { Action, AnalysedStatement } from '../src/analysis/types.js';

export default defineRule({
  meta: {
    id: 'unbatched-backfill',
    category: 'lock',
    defaultSeverity: 'warning',
    recommended: true,
    fix: 'none',
    messages: {
      unbatched: '`{{verb}}` of {{table}} touches {{scope}} in one statement, locking each of those rows until the transaction ends and blocking writes to them for the whole run',
    },
    docs: {
      summary: 'Require data backfills in migrations to run in batches',
      what: 'Flags `UPDATE`, `DELETE` and `MERGE` on an existing table whose `WHERE` does not bound the rows by a key: no `WHERE`, or one like `col IS NULL`, `col <> x`, a one-sided range or a join. A key equality, an `IN` list, `BETWEEN`, both bounds on a column, or a subquery with `LIMIT` counts as a batch.',
      why: 'One statement that updates or deletes a large share of a table holds a row lock on every row it touches until its transaction ends, so application writes to those rows wait for the whole run; inside a migration\'s transaction that may also extend table locks taken by earlier DDL. It writes a new version of every row at once, bloating the table and its indexes and flooding replication. Batches of a few thousand rows, each committed on its own, keep every lock short.',
      example: {
        bad: 'UPDATE users SET active = true WHERE active IS NULL;',
        good: '-- outside the migration\'s transaction, repeated until it updates 0 rows\nUPDATE users SET active = true WHERE id IN (SELECT id FROM users WHERE active IS NULL LIMIT 1000);',
      },
      whenNotToUse: 'On a table known to be small (a lookup table with a few rows).',
      references: [
        'https://www.postgresql.org/docs/current/sql-update.html',
        'https://www.postgresql.org/docs/current/explicit-locking.html#LOCKING-ROWS',
      ],
    },
  },
  create(ctx) {
    const check = (action: Action, stmt: AnalysedStatement) => {
      // A data-modifying CTE's write (`WITH u AS (UPDATE …)`): the statement's text and WHERE are not its own.
      if (action.viaCte || action.filter === 'selective' || !action.relation || ctx.isNew(action.relation)) return;
      // System catalogs (`UPDATE pg_index …`) are tiny and not application tables.
      if (action.relation.schema === 'pg_catalog' || action.relation.schema === 'information_schema' || /^pg_/.test(action.relation.name)) return;
      // Reads the tree: the batched rewrite needs the SET targets and their value expressions (`notDone`), which no fact holds.
      const n = stmt.source.node;
      const verb = stmt.kind === 'DeleteStmt' ? 'DELETE' : stmt.kind === 'MergeStmt' ? 'MERGE' : 'UPDATE';
      const t = action.relation.sql;
      const pk = [...(ctx.schema.table(action.relation)?.constraints.values() ?? [])].find((c) => c.kind === 'primary')?.columns;
      const key = pk && pk.length === 1 ? quoteIdent(pk[0]) : 'id';
      const text = stmt.source.text;
      // The statement's own WHERE (not one inside a WITH clause): from its expression's first location.
      const loc = n?.whereClause ? minLocation(n.whereClause) : undefined;
      const whereStart = loc === undefined ? -1 : stmt.source.toOffset(loc) - stmt.source.start;
      const where = whereStart >= 0 ? text.slice(whereStart).replace(/\bRETURNING\b[\s\S]*$/i, '').trim().replace(/\s+/g, ' ') : undefined;
      const cond = where ? ` WHERE ${where}` : '';
      let batch: string;
      if (verb === 'DELETE') {
        batch = `DELETE FROM ${t} WHERE ${key} IN (SELECT ${key} FROM ${t}${cond} LIMIT 1000);`;
      } else if (verb === 'UPDATE' && !n?.fromClause?.length) {
        const set = /\bSET\b([\s\S]*?)(\bWHERE\b|\bRETURNING\b|$)/i.exec(text)?.[1]?.trim() ?? '<assignments>';
        // Each batch must skip the rows already done, or it never reaches 0 rows.
        const covered = !!where && (n.targetList ?? []).every((x: any) => where.includes(x.ResTarget?.name ?? '\0'));
        const todo = covered ? '' : notDone(set, n.targetList ?? []) ?? '<condition for rows not yet done>';
        const sub = covered ? cond : where ? ` WHERE (${where}) AND (${todo})` : ` WHERE ${todo}`;
        batch = `UPDATE ${t} SET ${set} WHERE ${key} IN (SELECT ${key} FROM ${t}${sub} LIMIT 1000);`;
      } else {
        batch = `-- restrict each run to a key range, e.g. AND ${key} BETWEEN 1 AND 1000, and commit after each`;
      }
      ctx.report(stmt, {
        messageId: 'unbatched',
        data: { verb, table: label(action.relation), scope: action.filter === 'none' || !where ? 'every row' : `every row matching \`${where.length > 60 ? `${where.slice(0, 57)}…` : where}\`` },
        help: `Backfill in batches outside the migration's DDL transaction, repeating until no row is left:\n${batch}`,
      });
    };
    return { update: check, delete: check };
  },
});

// Functions whose value does not change between batches, so `col IS DISTINCT FROM f(…)` settles.
const STEADY = new Set(['lower', 'upper', 'trim', 'btrim', 'ltrim', 'rtrim', 'coalesce', 'nullif', 'concat', 'md5', 'replace', 'left', 'right', 'substring', 'length', 'abs', 'round', 'greatest', 'least', 'to_jsonb', 'jsonb_build_object', 'split_part']);

function steady(x: any): boolean {
  if (!x || typeof x !== 'object') return true;
  if (Array.isArray(x)) return x.every(steady);
  if (x.SubLink || x.SQLValueFunction) return false;
  if (x.FuncCall && !STEADY.has(strings(x.FuncCall.funcname).at(-1)?.toLowerCase() ?? '')) return false;
  return Object.values(x).every(steady);
}

/** `col IS DISTINCT FROM (value)` for each assignment: true only for rows a batch has not done yet. */
function notDone(set: string, targets: any[]): string | undefined {
  const parts = splitTop(set, ',');
  if (parts.length !== targets.length || targets.some((x) => !x.ResTarget?.name || x.ResTarget.indirection || !steady(x.ResTarget.val))) return undefined;
  const conds = parts.map((p, i) => {
    const eq = splitTop(p, '=');
    return eq.length < 2 ? undefined : `${quoteIdent(targets[i].ResTarget.name)} IS DISTINCT FROM (${eq.slice(1).join('=').trim()})`;
  });
  return conds.every(Boolean) ? conds.join(' OR ') : undefined;
}

/** Splits at `sep` outside parentheses and quotes. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let q: string | undefined;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) { if (c === q) q = undefined; continue; }
    if (c === "'" || c === '"') q = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === sep && depth === 0 && !(sep === '=' && /[<>!]/.test(s[i - 1] ?? ''))) { out.push(s.slice(from, i)); from = i + 1; }
  }
  out.push(s.slice(from));
  return out;
}
