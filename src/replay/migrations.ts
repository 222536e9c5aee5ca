import { blank } from '../config/frameworks/types.js';
import { parseSource, readSourceFile, type SourceStatement } from '../source/index.js';
import type { PlannedFk } from './seed.js';
import { ReplayUsageError } from './util.js';

/**
 * One migration as its framework runs it: what the project layer's MigrationSet holds per file. The text is the
 * file's own, with the parts the framework does not run forward (goose Down, dbmate down) blanked and placeholders
 * substituted, so lines and columns stay the file's.
 */
export interface ReplayMigration {
  path: string;
  text: string;
  /** The framework wraps the file in one transaction (or `--assume-in-transaction`). */
  inTransaction: boolean;
  pending: boolean;
  framework?: string;
  /** How to run the file outside a transaction under its framework (diesel's metadata.toml, …), when it wraps it. */
  transactionOptOut?: string;
}

export interface LoadedFile {
  path: string;
  text: string;
  statements: SourceStatement[];
  inTransaction: boolean;
  framework?: string;
  transactionOptOut?: string;
}

/** goose's `StatementBegin` … `StatementEnd`: one statement, semicolons and all, as goose sends it. */
const GOOSE_BLOCK = /^[ \t]*--[ \t]*\+goose[ \t]+StatementBegin\b.*$([\s\S]*?)^[ \t]*--[ \t]*\+goose[ \t]+StatementEnd\b.*$/gim;

/** Top-level statements; goose blocks are parsed on their own (a block need not end with `;`). */
export function statementsOf(text: string, framework?: string): SourceStatement[] {
  const blocks = framework === 'goose' ? [...text.matchAll(GOOSE_BLOCK)].map((m) => ({ start: m.index! + m[0].indexOf(m[1]), end: m.index! + m[0].indexOf(m[1]) + m[1].length })) : [];
  if (blocks.length === 0) return parseSource(text).statements.filter((s) => !s.parent);
  let outside = text;
  for (const b of blocks) outside = blank(outside, b.start, b.end);
  const out = parseSource(outside).statements.filter((s) => !s.parent);
  for (const b of blocks) {
    const only = blank(blank(text, 0, b.start), b.end, text.length);
    const inner = parseSource(only).statements.filter((s) => !s.parent);
    // A block that does not parse as statements is still one statement for goose: send it whole.
    if (inner.length <= 1 || inner.some((s) => s.kind === 'SyntaxError')) {
      const first = inner[0];
      if (first) out.push({ ...first, end: first.start + only.slice(first.start, b.end).trimEnd().length, text: only.slice(first.start, b.end).trim().replace(/;\s*$/, '') });
    } else out.push(...inner);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** A file's statements; a syntax error is a usage error (nothing is started). */
export function loadMigration(m: Pick<ReplayMigration, 'path' | 'text' | 'inTransaction' | 'framework' | 'transactionOptOut'>): LoadedFile {
  const statements = statementsOf(m.text, m.framework);
  const bad = statements.find((s) => s.kind === 'SyntaxError');
  if (bad) throw new ReplayUsageError(`${m.path}:${bad.line}:${bad.column}: ${bad.error?.message ?? 'syntax error'}`);
  return { path: m.path, text: m.text, statements, inTransaction: m.inTransaction, framework: m.framework, transactionOptOut: m.transactionOptOut };
}

/** `--schema`: pg_dump output may contain psql meta-commands (`\connect`, `\restrict`), which are not SQL. */
export async function loadSchemaFile(file: string): Promise<LoadedFile> {
  const read = await readSourceFile(file);
  if (!read.ok) throw new ReplayUsageError(read.message.startsWith('cannot read') ? read.message : `${file}: ${read.message}`);
  return loadMigration({ path: file, text: read.text.replace(/^\\.*$/gm, (m) => ' '.repeat(m.length)), inTransaction: false });
}

const relName = (rv: { relname?: string; schemaname?: string } | undefined) => (rv?.relname ? (rv.schemaname ? `${rv.schemaname}.${rv.relname}` : rv.relname) : undefined);
const names = (list: { String?: { sval?: string } }[] | undefined) => (list ?? []).map((x) => x.String?.sval ?? '').filter(Boolean);

/** `ALTER TABLE … ADD FOREIGN KEY` of the pending migrations: the seeder fills those columns with the parent's keys. */
export function plannedForeignKeys(files: LoadedFile[]): PlannedFk[] {
  const out: PlannedFk[] = [];
  for (const f of files) {
    for (const s of f.statements) {
      if (s.kind !== 'AlterTableStmt') continue;
      const table = relName(s.node?.relation);
      for (const cmd of s.node?.cmds ?? []) {
        const c = cmd.AlterTableCmd?.subtype === 'AT_AddConstraint' ? cmd.AlterTableCmd.def?.Constraint : undefined;
        const refTable = relName(c?.pktable);
        if (!table || !refTable || c.contype !== 'CONSTR_FOREIGN') continue;
        out.push({ table, columns: names(c.fk_attrs), refTable, refColumns: names(c.pk_attrs) });
      }
    }
  }
  return out;
}
