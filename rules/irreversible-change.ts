import type { TypeInfo } from '../src/analysis/names.js';
import { quoteIdent } from '../src/analysis/names.js';
import type { AnalysedStatement } from '../src/analysis/types.js';
import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';

const INTEGER = new Set(['int2', 'int4', 'int8']);
const FLOAT = new Set(['float4', 'float8']);
const TIMESTAMP = new Set(['timestamp', 'timestamptz']);

/** What a type change silently throws away (Postgres converts without an error), or undefined when nothing is lost. */
export function lossOf(from: TypeInfo, to: TypeInfo): string | undefined {
  if (from.array !== to.array) return undefined;
  const a = from.name;
  const b = to.name;
  if (a === 'numeric' && b === 'numeric') {
    // numeric(p,s) → numeric(p',s') rounds to the new scale.
    const sa = from.mods.length ? from.mods[1] ?? 0 : Infinity;
    const sb = to.mods.length ? to.mods[1] ?? 0 : Infinity;
    return sb < sa ? `rounds every value to ${sb} decimal place${sb === 1 ? '' : 's'}` : undefined;
  }
  if ((a === 'numeric' || FLOAT.has(a)) && INTEGER.has(b)) return 'rounds every value to a whole number';
  if (a === 'float8' && b === 'float4') return 'keeps only about 6 significant digits of every value';
  if (a === 'numeric' && FLOAT.has(b)) return 'rounds every value to floating point';
  if (TIMESTAMP.has(a) && b === 'date') return 'drops the time of day from every value';
  if (TIMESTAMP.has(a) && (b === 'time' || b === 'timetz')) return 'drops the date from every value';
  if (TIMESTAMP.has(a) && TIMESTAMP.has(b) || (a === 'time' && b === 'time') || (a === 'interval' && b === 'interval')) {
    const pa = from.mods[0] ?? 6;
    const pb = to.mods[0] ?? 6;
    return pb < pa ? `rounds fractional seconds to ${pb} digit${pb === 1 ? '' : 's'}` : undefined;
  }
  return undefined;
}

function whereText(stmt: AnalysedStatement): string | undefined {
  const m = /\bwhere\b([\s\S]*)$/i.exec(stmt.source.text);
  return m ? m[1].trim() : undefined;
}

export default defineRule({
  meta: {
    id: 'irreversible-change',
    category: 'compat',
    defaultSeverity: 'warning',
    recommended: true,
    fix: 'none',
    messages: {
      dropColumn: '`DROP COLUMN` deletes every value of {{column}} in {{table}}; no down migration can bring them back',
      dropTable: '`DROP TABLE` deletes {{table}} with all its rows; no down migration can bring them back',
      truncate: '`TRUNCATE` deletes every row of {{table}}; no down migration can bring them back',
      delete: '`DELETE` removes {{which}} of {{table}}; no down migration can bring them back',
      dropSchema: '`DROP SCHEMA … CASCADE` deletes {{schema}} with every table in it and their rows; no down migration can bring them back',
      narrowing: 'Changing {{table}}.{{column}} from {{from}} to {{to}} {{loss}}; no down migration can bring back the lost precision',
    },
    docs: {
      summary: 'Disallow changes that destroy data no down migration can restore',
      what: 'Flags statements on existing tables whose data loss a down migration cannot undo: `DROP COLUMN`, `DROP TABLE`, `DROP SCHEMA … CASCADE`, `TRUNCATE`, `DELETE`, and type changes that Postgres converts silently with a loss (`numeric(12,4)` to `numeric(12,2)` rounds, `timestamptz` to `date` drops the time, `float8` to `float4` or to an integer type rounds). Narrowing changes that fail instead of losing data (`varchar(50)` to `varchar(20)` with a longer value, `bigint` to `integer` on overflow) are not flagged. Tables created in the same migration are skipped: they hold no data yet. Statements in a down migration are not flagged either: undoing the up is what a rollback is for.',
      why: 'A rollback plan assumes the down migration brings the database back. A down can re-add a dropped column or table, but it comes back empty; a rounded value stays rounded. Once the migration has run in production, the only way back is a backup, and writes made since it was taken are lost.',
      example: {
        bad: 'ALTER TABLE users DROP COLUMN phone;',
        good: '-- 1. stop writing users.phone in the application, and deploy\n-- 2. wait until no running version reads it\n-- 3. back it up:\nCREATE TABLE users_phone_backup AS SELECT id, phone FROM users;\n-- 4. then, in a later migration:\n-- ALTER TABLE users DROP COLUMN phone;',
      },
      whenNotToUse: 'For data that is disposable by design (caches, sessions, staging imports). On drops it is the second aspect of `ban-drop-column` and `ban-drop-table` (the running application breaking): where those report the drop, this finding is a note on theirs, and it stands on its own when they are off or ignored.',
      references: [
        'https://www.postgresql.org/docs/current/sql-altertable.html',
        'https://www.postgresql.org/docs/current/sql-droptable.html',
        'https://www.postgresql.org/docs/current/sql-truncate.html',
        'https://www.postgresql.org/docs/current/datatype-numeric.html',
        'https://www.postgresql.org/docs/current/backup-dump.html',
      ],
    },
  },
  create(ctx) {
    if (ctx.rollback) return {};
    const keyOf = (rel: AnalysedStatement['actions'][number]['relation']) => {
      const t = ctx.schema.table(rel);
      const pk = t && [...t.constraints.values()].find((c) => c.kind === 'primary');
      return pk?.columns.length ? pk.columns.map(quoteIdent).join(', ') : undefined;
    };
    const phases = (what: string, backup: string, then: string, verb = 'drop') =>
      `Make it a multi-phase change: stop writing ${what} in the application and deploy, wait until no running version uses it, back it up, then ${verb} it in a later migration:\n${backup}\n-- later: ${then}`;
    const schemasCreated = new Set<string>();
    return {
      'create-schema'(action) {
        if (action.name) schemasCreated.add(action.name);
      },
      'drop-object'(action, stmt) {
        // Without CASCADE, DROP SCHEMA fails on a schema that still holds objects: nothing is lost.
        if (action.objectType !== 'schema' || !action.cascade) return;
        const name = action.names?.[0];
        if (!name || schemasCreated.has(name)) return;
        ctx.report(stmt, {
          messageId: 'dropSchema',
          data: { schema: `"${name}"` },
          help: `Move what must survive out of the schema and back it up first; drop the schema in a later migration, without CASCADE, so it fails if anything is still in it:\nDROP SCHEMA ${quoteIdent(name)};`,
        });
      },
      'drop-column'(action, stmt) {
        if (!action.relation || ctx.isNew(action.relation)) return;
        const t = action.relation.sql;
        const col = quoteIdent(action.column ?? 'column');
        const key = keyOf(action.relation);
        const backupName = quoteIdent(`${action.relation.name}_${action.column}_backup`);
        ctx.report(stmt, {
          messageId: 'dropColumn',
          data: { column: `"${action.column}"`, table: label(action.relation) },
          span: action.span,
          help: phases(`"${action.column}"`, `CREATE TABLE ${backupName} AS SELECT ${key ? `${key}, ` : ''}${col} FROM ${t};${key ? '' : ' -- add the primary key columns to match rows back'}`, `ALTER TABLE ${t} DROP COLUMN ${col};`),
        });
      },
      'drop-table'(action, stmt) {
        if (!action.relation || ctx.isNew(action.relation) || action.foreign) return;
        const t = action.relation.sql;
        ctx.report(stmt, {
          messageId: 'dropTable',
          data: { table: label(action.relation) },
          span: action.span,
          help: phases(`to ${label(action.relation)}`, `CREATE TABLE ${quoteIdent(`${action.relation.name}_backup`)} AS TABLE ${t};`, `DROP TABLE ${t};`),
        });
      },
      truncate(action, stmt) {
        if (!action.relation || ctx.isNew(action.relation)) return;
        const t = action.relation.sql;
        ctx.report(stmt, {
          messageId: 'truncate',
          data: { table: label(action.relation) },
          span: action.span,
          help: phases(`to ${label(action.relation)}`, `CREATE TABLE ${quoteIdent(`${action.relation.name}_backup`)} AS TABLE ${t};`, `TRUNCATE ${t};`, 'empty'),
        });
      },
      delete(action, stmt) {
        // A data-modifying CTE's DELETE: the statement's WHERE is not its own (the rule does not reach into CTEs).
        if (action.viaCte || !action.relation || ctx.isNew(action.relation)) return;
        const t = action.relation.sql;
        const where = whereText(stmt);
        ctx.report(stmt, {
          messageId: 'delete',
          data: { which: where ? 'the matching rows' : 'every row', table: label(action.relation) },
          span: action.span,
          help: `Keep the rows before deleting them, so a rollback can put them back:\nCREATE TABLE ${quoteIdent(`${action.relation.name}_deleted`)} AS SELECT * FROM ${t}${where ? ` WHERE ${where}` : ''};`,
        });
      },
      'alter-column-type'(action, stmt) {
        if (!action.relation || ctx.isNew(action.relation) || !action.oldType || !action.newType) return;
        const loss = lossOf(action.oldType, action.newType);
        if (!loss) return;
        const t = action.relation.sql;
        const col = quoteIdent(action.column ?? 'column');
        const key = keyOf(action.relation);
        ctx.report(stmt, {
          messageId: 'narrowing',
          data: { table: label(action.relation), column: `"${action.column}"`, from: action.oldType.sql, to: action.newType.sql, loss },
          span: action.span,
          help: `Keep the exact values before converting, so a rollback can restore them:\nCREATE TABLE ${quoteIdent(`${action.relation.name}_${action.column}_backup`)} AS SELECT ${key ? `${key}, ` : ''}${col} FROM ${t};`,
        });
      },
    };
  },
});
