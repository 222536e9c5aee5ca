// Ready-to-paste SQL that undoes an up migration, built from its analysed actions with the user's own names.
import { quoteIdent, type Rel } from '../analysis/names.js';
import type { AnalysedStatement } from '../analysis/types.js';
import type { RoundTripIssue, Snapshot } from './snapshot.js';

const relSql = (r: Rel | undefined) => r?.sql ?? 'the_table';
const keySql = (key: string) => {
  const [schema, ...rest] = key.split('.');
  const name = rest.join('.');
  return schema === 'public' ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
};

/** One line per action, in reverse order: the down migration for `statements`. Irreversible actions get a comment. */
export function inverseSql(statements: AnalysedStatement[], max = 12): string[] {
  const out: string[] = [];
  for (const s of [...statements].reverse()) {
    const n = s.source.node;
    for (const a of [...s.actions].reverse()) {
      const t = relSql(a.relation);
      switch (a.type) {
        case 'create-table':
        case 'create-table-as':
          out.push(`DROP TABLE ${t};`);
          break;
        case 'create-view':
          out.push(`DROP VIEW ${t};`);
          break;
        case 'create-matview':
          out.push(`DROP MATERIALIZED VIEW ${t};`);
          break;
        case 'create-index':
          if (n?.idxname) out.push(`DROP INDEX${a.concurrently ? ' CONCURRENTLY' : ''} ${a.relation?.schema ? `${quoteIdent(a.relation.schema)}.` : ''}${quoteIdent(n.idxname)};`);
          break;
        case 'add-column':
          out.push(`ALTER TABLE ${t} DROP COLUMN ${quoteIdent(a.columnDef?.name ?? a.column ?? 'column')};`);
          break;
        case 'add-constraint':
          if (a.constraint?.name) out.push(`ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(a.constraint.name)};`);
          break;
        case 'set-not-null':
          out.push(`ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(a.column ?? '')} DROP NOT NULL;`);
          break;
        case 'drop-not-null':
          out.push(`ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(a.column ?? '')} SET NOT NULL;`);
          break;
        case 'alter-column-type':
          if (a.oldType) out.push(`ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(a.column ?? '')} TYPE ${a.oldType.sql};`);
          else out.push(`-- ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(a.column ?? '')} TYPE <its type before this migration>;`);
          break;
        case 'rename-column':
          if (n?.newname && a.column) out.push(`ALTER TABLE ${t} RENAME COLUMN ${quoteIdent(n.newname)} TO ${quoteIdent(a.column)};`);
          break;
        case 'rename-table':
          if (n?.newname && a.relation) out.push(`ALTER TABLE ${a.relation.schema ? `${quoteIdent(a.relation.schema)}.` : ''}${quoteIdent(n.newname)} RENAME TO ${quoteIdent(a.relation.name)};`);
          break;
        case 'create-type':
          if (s.kind === 'CreateEnumStmt' || s.kind === 'CompositeTypeStmt') out.push(`DROP TYPE ${t};`);
          break;
        case 'create-sequence':
          out.push(`DROP SEQUENCE ${t};`);
          break;
        case 'drop-column':
          out.push(`-- cannot be undone: DROP COLUMN ${quoteIdent(a.column ?? '')} of ${t} deleted its data; restore it from a backup`);
          break;
        case 'drop-table':
          out.push(`-- cannot be undone: DROP TABLE ${t} deleted its rows; restore it from a backup`);
          break;
        case 'truncate':
        case 'delete':
          out.push(`-- cannot be undone: ${a.type.toUpperCase()} on ${t} deleted rows; restore them from a backup`);
          break;
      }
    }
  }
  return out.length > max ? [...out.slice(0, max), `-- … and ${out.length - max} more`] : out;
}

/** The statement a down migration needs to fix one round-trip issue, when pgsafe knows enough to write it. */
export function fixSql(issue: RoundTripIssue, before: Snapshot): string | undefined {
  switch (issue.problem) {
    case 'not-undone':
    case 'created-extra':
      if (issue.kind === 'table') return `DROP TABLE ${keySql(issue.key)};`;
      if (issue.kind === 'column' && issue.table) return `ALTER TABLE ${keySql(issue.table)} DROP COLUMN ${quoteIdent(issue.key.slice(issue.table.length + 1))};`;
      if (issue.kind === 'index') return `DROP INDEX ${keySql(issue.key)};`;
      if (issue.kind === 'constraint' && issue.table) return `ALTER TABLE ${keySql(issue.table)} DROP CONSTRAINT ${quoteIdent(issue.name)};`;
      if (issue.kind === 'enum') return `DROP TYPE ${keySql(issue.key)};`;
      return undefined;
    case 'not-restored':
    case 'dropped-extra':
    case 'changed': {
      if (issue.kind === 'column' && issue.table) {
        const col = issue.key.slice(issue.table.length + 1);
        const c = before.tables.get(issue.table)?.columns.get(col);
        if (!c?.type) return undefined;
        const t = keySql(issue.table);
        if (issue.problem === 'changed') return `ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(col)} TYPE ${c.type}${c.notNull ? `, ALTER COLUMN ${quoteIdent(col)} SET NOT NULL` : `, ALTER COLUMN ${quoteIdent(col)} DROP NOT NULL`};`;
        // Re-added NOT NULL without a default would fail on a table with rows: add it nullable, restore, then constrain.
        const add = `ALTER TABLE ${t} ADD COLUMN ${quoteIdent(col)} ${c.type}${c.default ? ` DEFAULT ${c.default}${c.notNull ? ' NOT NULL' : ''}` : ''};`;
        return c.notNull && !c.default ? `${add}\n-- restore its values from your backup, then:\nALTER TABLE ${t} ALTER COLUMN ${quoteIdent(col)} SET NOT NULL;` : add;
      }
      if (issue.kind === 'index') {
        const i = before.indexes.get(issue.key);
        if (!i || i.columns.some((c) => c === '(expr)')) return undefined;
        const create = `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${quoteIdent(i.name)} ON ${keySql(i.table)} (${i.columns.map(quoteIdent).join(', ')});`;
        return issue.problem === 'changed' ? `DROP INDEX CONCURRENTLY ${keySql(issue.key)};\n${create}` : create;
      }
      if (issue.kind === 'constraint' && issue.table) {
        const c = before.constraints.get(issue.key);
        if (!c?.def) return undefined;
        const add = `ALTER TABLE ${keySql(issue.table)} ADD CONSTRAINT ${quoteIdent(c.name)} ${c.def};`;
        return issue.problem === 'changed' ? `ALTER TABLE ${keySql(issue.table)} DROP CONSTRAINT ${quoteIdent(c.name)};\n${add}` : add;
      }
      return undefined;
    }
  }
}
