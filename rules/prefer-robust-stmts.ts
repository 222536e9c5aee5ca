import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';
import { quoteIdent } from '../src/analysis/names.js';
import type { AnalysedStatement, Span } from '../src/analysis/types.js';

interface Candidate {
  stmt: AnalysedStatement;
  what: string;
  help: string;
  span?: Span;
  /** Not atomic even on its own (CREATE INDEX CONCURRENTLY leaves an invalid index behind). */
  alone?: boolean;
}

export default defineRule({
  meta: {
    id: 'prefer-robust-stmts',
    category: 'compat',
    defaultSeverity: 'warning',
    recommended: false,
    fix: 'none',
    messages: {
      fragile: '{{what}} fails when the migration is re-run after a partial failure: this file runs outside a transaction, so the statements before the failure stay applied',
    },
    docs: {
      summary: 'Prefer statements that can be re-run when a migration runs outside a transaction',
      what: 'In a file of several statements that runs outside a transaction (no `BEGIN`, no `--assume-in-transaction`), flags `CREATE TABLE`, `CREATE INDEX`, `CREATE SEQUENCE`, `CREATE SCHEMA` and `CREATE EXTENSION` without `IF NOT EXISTS`, `DROP …` without `IF EXISTS`, and `ALTER TABLE` `ADD COLUMN`/`DROP COLUMN`/`DROP CONSTRAINT` without `IF [NOT] EXISTS`, and `ADD CONSTRAINT`. `CREATE INDEX CONCURRENTLY` is flagged even alone, because a failed build leaves an invalid index behind.',
      why: 'Without a transaction, each statement commits on its own. When statement 3 of 5 fails, statements 1 and 2 stay applied, and re-running the fixed migration stops at statement 1 with "already exists". Guarded statements let the migration be re-run until it completes. A failed `CREATE INDEX CONCURRENTLY` leaves an INVALID index of that name, which must be dropped before the build is retried.',
      example: {
        bad: 'CREATE TABLE users (id bigint, email text);\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
        good: 'CREATE TABLE IF NOT EXISTS users (id bigint, email text);\nDROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);',
      },
      whenNotToUse: 'When the migration tool runs every file in a transaction: pass `--assume-in-transaction` instead.',
      references: [
        'https://www.postgresql.org/docs/current/sql-createtable.html',
        'https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY',
      ],
    },
  },
  create(ctx) {
    let candidates: Candidate[] = [];
    let outside = 0;
    /** Indexes dropped `IF EXISTS` earlier in the file: a rebuild after that is re-runnable. */
    let dropped = new Set<string>();
    const text = (stmt: AnalysedStatement) => stmt.source.text.trim();
    const check = (stmt: AnalysedStatement) => {
      const first = stmt.actions[0];
      const rel = first?.relation;
      const t = rel?.sql ?? 'the_table';
      const add = (what: string, help: string, span?: Span, alone = false) => candidates.push({ stmt, what, help, span, alone });
      switch (stmt.kind) {
        case 'CreateStmt':
          if (first?.type === 'create-table' && !first.ifNotExists) add(`\`CREATE TABLE\` ${label(rel)}`, `Make it idempotent:\n${text(stmt).replace(/\bTABLE\b/i, 'TABLE IF NOT EXISTS')};`);
          return;
        case 'IndexStmt': {
          if (first?.type !== 'create-index') return;
          const idxname = first.explicitName ? first.name : undefined;
          const name = idxname ? quoteIdent(idxname) : undefined;
          if (first.concurrently) {
            if (!name || dropped.has(idxname!)) return;
            // IF NOT EXISTS would keep an invalid index from a failed build, so drop and rebuild.
            add(`\`CREATE INDEX CONCURRENTLY\` ${`"${idxname}"`}`, `Drop any invalid leftover of a failed build first:\nDROP INDEX CONCURRENTLY IF EXISTS ${rel?.schema ? `${quoteIdent(rel.schema)}.` : ''}${name};\n${text(stmt)};`, undefined, true);
          } else if (!first.ifNotExists && name) {
            add(`\`CREATE INDEX\` "${idxname}"`, `Make it idempotent:\n${text(stmt).replace(/\bINDEX\b/i, 'INDEX IF NOT EXISTS')};`);
          }
          return;
        }
        case 'CreateSeqStmt':
        case 'CreateSchemaStmt':
        case 'CreateExtensionStmt':
          if (first && !first.ifNotExists) {
            const kw = stmt.kind === 'CreateSeqStmt' ? 'SEQUENCE' : stmt.kind === 'CreateSchemaStmt' ? 'SCHEMA' : 'EXTENSION';
            add(`\`CREATE ${kw}\``, `Make it idempotent:\n${text(stmt).replace(new RegExp(`\\b${kw}\\b`, 'i'), `${kw} IF NOT EXISTS`)};`);
          }
          return;
        case 'DropStmt':
          if (!first) return;
          for (const a of stmt.actions) if (a.type === 'drop-index' && a.ifExists && a.index) dropped.add(a.index.name);
          if (!first.ifExists) {
            const kw = /^\s*DROP\s+((?:MATERIALIZED\s+|FOREIGN\s+)?\w+)/i.exec(stmt.source.text)?.[1] ?? 'object';
            const concurrently = first.concurrently ? ' CONCURRENTLY' : '';
            add(`\`DROP ${kw.toUpperCase()}\``, `Make it idempotent:\n${text(stmt).replace(new RegExp(`^(DROP\\s+${kw.replace(/\s+/g, '\\s+')}${concurrently ? '\\s+CONCURRENTLY' : ''})`, 'i'), '$1 IF EXISTS')};`);
          }
          return;
        case 'AlterTableStmt': {
          if (ctx.syntax.objectKind(stmt) !== 'table') return;
          for (const a of stmt.actions) {
            if (a.ifExists || a.ifNotExists) continue;
            switch (a.type) {
              case 'add-column':
              {
                // The column definition starts where the column does (the span may include `ALTER TABLE …`).
                const from = a.columnDef?.start ?? a.span.start;
                const def = stmt.source.text.slice(from - stmt.source.start, a.span.end - stmt.source.start).trim();
                add(`\`ADD COLUMN\` "${a.column}"`, `Make it idempotent:\nALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${def};`, a.span);
              }
                break;
              case 'drop-column':
                add(`\`DROP COLUMN\` "${a.column}"`, `Make it idempotent:\nALTER TABLE ${t} DROP COLUMN IF EXISTS ${quoteIdent(a.column ?? 'col')};`, a.span);
                break;
              case 'drop-constraint': {
                const name = a.constraint?.name ?? 'constraint';
                add(`\`DROP CONSTRAINT\` "${name}"`, `Make it idempotent:\nALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${quoteIdent(name)};`, a.span);
                break;
              }
              case 'add-constraint': {
                const name = a.constraint?.name;
                if (!name) break;
                const body = stmt.source.text.slice(a.span.start - stmt.source.start, a.span.end - stmt.source.start).replace(/^(ALTER\s+TABLE\s+.*?\s+)?(ADD\s+)?/is, '');
                add(`\`ADD CONSTRAINT\` "${name}"`, `Drop it first if a failed run left it behind (ADD CONSTRAINT has no IF NOT EXISTS):\nALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${quoteIdent(name)};\nALTER TABLE ${t} ADD ${body};`, a.span);
                break;
              }
            }
          }
          return;
        }
      }
    };
    return {
      '*'(stmt: AnalysedStatement) {
        if (stmt.tx.inTransaction || stmt.kind === 'TransactionStmt') return;
        // Settings change nothing a re-run could trip over.
        if (stmt.kind !== 'VariableSetStmt' && stmt.kind !== 'VariableShowStmt') outside++;
        check(stmt);
      },
      onFileEnd() {
        // One statement outside a transaction is atomic by itself: a re-run finds nothing half done.
        for (const c of candidates) {
          if (outside < 2 && !c.alone) continue;
          ctx.report(c.stmt, { messageId: 'fragile', data: { what: c.what }, span: c.span, help: c.help });
        }
        candidates = [];
        outside = 0;
        dropped = new Set();
      },
    };
  },
});
