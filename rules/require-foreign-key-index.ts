import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent, type Rel } from '../src/analysis/names.js';
import type { AnalysedStatement, Span } from '../src/analysis/types.js';

interface ForeignKey {
  stmt: AnalysedStatement;
  rel: Rel;
  columns: string[];
  references?: Rel;
  name?: string;
  span: Span;
  /** The table existed in the schema model (or was being created) when the key was added. */
  known: boolean;
}

export default defineRule({
  meta: {
    id: 'require-foreign-key-index',
    category: 'hygiene',
    defaultSeverity: 'warning',
    recommended: true,
    fix: 'none',
    messages: {
      missing: 'Foreign key{{name}} on {{table}} ({{columns}}) has no index on its referencing columns: every DELETE from {{ref}}, and every UPDATE of its key, scans {{table}} for referencing rows',
    },
    docs: {
      summary: 'Require an index on the referencing columns of a foreign key',
      what: 'Flags a foreign key (`REFERENCES` on a column, `FOREIGN KEY (…)` in `CREATE TABLE` or `ALTER TABLE … ADD CONSTRAINT`) when, at the end of the file, no index, primary key or unique constraint whose leading columns are the referencing columns is known: created earlier in the run or later in the same file.',
      why: 'Postgres indexes the referenced side of a foreign key (it must be unique) but not the referencing side. Each DELETE of a referenced row, and each UPDATE of its key, must find the referencing rows, and without an index that is a sequential scan of the referencing table, per row deleted. `ON DELETE CASCADE` makes it worse: deleting one parent scans and locks the child table. The scans also hold the row locks of the parent longer, and can make deletes of parents time out.',
      example: {
        bad: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
        good: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\nCREATE INDEX orders_user_id_idx ON orders (user_id);',
      },
      whenNotToUse: 'When referenced rows are never deleted and their keys never change (an append-only lookup table), and the referencing table is never queried by the key.',
      references: [
        'https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK',
        'https://www.postgresql.org/docs/current/sql-createindex.html',
      ],
    },
  },
  create(ctx) {
    let keys: ForeignKey[] = [];
    const add = (fk: Omit<ForeignKey, 'span'> & { at?: number; span?: Span }) => {
      if (fk.columns.length === 0) return;
      const span = fk.span ?? constraintSpan(fk.stmt, fk.at);
      keys.push({ ...fk, span });
    };
    return {
      'create-table'(action, stmt) {
        if (!action.relation || action.temporary) return;
        const rel = action.relation;
        for (const col of action.columns) {
          if (col.references) add({ stmt, rel, columns: [col.name], references: col.references, name: col.referencesConstraint?.name, at: stmt.source.toOffset(col.referencesConstraint?.location), known: true });
        }
        for (const c of action.constraints) {
          if (c.kind === 'foreign' && c.references) add({ stmt, rel, columns: c.columns, references: c.references, name: c.name, at: c.start, known: true });
        }
      },
      'add-constraint'(action, stmt) {
        const c = action.constraint;
        if (!action.relation || c?.kind !== 'foreign') return;
        add({ stmt, rel: action.relation, columns: c.columns, references: c.references, name: c.name, span: action.span, known: !!ctx.schema.table(action.relation) });
      },
      'add-column'(action, stmt) {
        const col = action.columnDef;
        if (!action.relation || !col?.references) return;
        add({ stmt, rel: action.relation, columns: [col.name], references: col.references, name: col.referencesConstraint?.name, at: stmt.source.toOffset(col.referencesConstraint?.location), known: !!ctx.schema.table(action.relation) });
      },
      onFileEnd() {
        const pending = keys;
        keys = [];
        const seen = new Set<string>();
        for (const fk of pending) {
          // Dropped or renamed later in the file: nothing left to index.
          if (fk.known && !ctx.schema.table(fk.rel)) continue;
          if (ctx.schema.hasIndexLeadingWith(fk.rel, fk.columns)) continue;
          const key = `${fk.rel.key}(${[...fk.columns].sort().join(',')})`;
          if (seen.has(key)) continue;
          seen.add(key);
          const cols = fk.columns.map(quoteIdent).join(', ');
          const name = indexName(fk.rel.name, fk.columns);
          const concurrently = ctx.isNew(fk.rel) ? '' : ' CONCURRENTLY';
          ctx.report(fk.stmt, {
            messageId: 'missing',
            data: { name: fk.name ? ` "${fk.name}"` : '', table: label(fk.rel), columns: fk.columns.map((c) => `"${c}"`).join(', '), ref: label(fk.references, 'the referenced table') },
            span: fk.span,
            help: `Index the referencing columns${concurrently ? ' (CONCURRENTLY, outside a transaction, as the table already has rows)' : ''}${fk.known ? '' : '. If such an index exists already, created by a migration pgsafe did not read, ignore this finding'}:\nCREATE INDEX${concurrently} ${quoteIdent(name)} ON ${fk.rel.sql} (${cols});`,
          });
        }
      },
    };
  },
});

/** From the constraint's location to the end of its REFERENCES clause. */
/** `at`: the constraint's file offset; the statement's start when the parser gave none. */
function constraintSpan(stmt: AnalysedStatement, at: number | undefined): Span {
  const s = stmt.source;
  const start = at ?? s.start;
  const rest = s.text.slice(start - s.start);
  const m = /^(?:constraint\s+(?:"(?:[^"]|"")*"|\S+)\s+)?(?:foreign\s+key\s*\([^)]*\)\s*)?references\s+(?:"(?:[^"]|"")*"|[\p{L}\p{N}_$.]+)+(?:\s*\([^)]*\))?/iu.exec(rest);
  return { start, end: start + (m ? m[0].length : Math.max(1, rest.search(/[\s,)]|$/))) };
}

function indexName(table: string, columns: string[]): string {
  let name = `${table}_${columns.join('_')}_idx`;
  while (Buffer.byteLength(name, 'utf8') > 63) name = name.slice(0, -5) + '_idx';
  return name;
}
