import { Analyzer, runStatements, type FileOptions, type RunHooks } from '../analysis/analyzer.js';
import type { AnalysedStatement, AnalysisSettings, Span } from '../analysis/types.js';
import { initParser, parseSource, shareParse, type ParsedSource, type SourceStatement } from '../source/index.js';
import { LineIndex } from '../source/locate.js';
import { parseIgnores, transactionOverride, type IgnoreDirective } from './ignores.js';
import { expandBodies } from './bodies.js';
import { formatMessage, type Fix, type Rule, type RuleContext, type RuleVisitor, type Severity } from './rule.js';
import type { DownMigration } from '../analysis/down.js';
import { cloneSchema, forkAnalyzer } from '../analysis/fork.js';
import type { SchemaModel } from '../analysis/schema.js';
import { redactResult } from './redact.js';
import { SYNTAX } from '../analysis/syntax.js';

export interface Finding {
  rule: string;
  /** Which of the rule's messages; absent for engine diagnostics. */
  messageId?: string;
  severity: Severity;
  message: string;
  help?: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Offsets in the file text. */
  start: number;
  end: number;
  fix?: Fix;
  /** Index of the statement it is about; -1 for file-level findings. */
  statement: number;
  /** Ranges of the file text never to be shown (a secret): reporters mask them in snippets. */
  redact?: Span[];
  /** Found in a down migration: the rollback path (the message says so too). */
  rollback?: boolean;
  /** Other aspects of the same problem, reported by rules this finding's rule subsumes (`meta.subsumes`). */
  related?: RelatedNote[];
  /** Set by `lint --stats` (src/stats/annotate.ts): the table's size and traffic and the lock's estimated duration. */
  estimate?: FindingEstimate;
}

/** A folded finding: another rule's view of the same problem, shown with the finding that owns it. */
export type RelatedNote = Pick<Finding, 'rule' | 'message' | 'help' | 'line' | 'column' | 'endLine' | 'endColumn' | 'start' | 'end'>;

/** Plain data, so reporters print it without knowing the cost model. */
export interface FindingEstimate {
  /** `schema.table`. */
  table: string;
  /** False: the table is not in the snapshot ("size unknown"). */
  known: boolean;
  rows?: number | null;
  bytes?: number;
  readsPerSec?: number;
  writesPerSec?: number;
  /** Class of work (index-build, rewrite, validation, seq-scan, backfill) or `catalog` for an instant change. */
  op?: string;
  lowMs?: number;
  highMs?: number;
  /** What the lock blocks while it lasts: "reads and writes", "writes", … */
  blocks?: string;
  /** Which model produced it. */
  model?: string;
  /** Other existing tables the lock blocks for the same time (a foreign key's referenced table). */
  related?: { table: string; known: boolean; rows: number | null; blocks: string; readsPerSec?: number; writesPerSec?: number }[];
  /**
   * Inside a transaction the lock is held until COMMIT: the later statements of the transaction, and their estimated
   * time. `lowMs`/`highMs` above then cover the statement and them; `statementLowMs`/`statementHighMs` the statement alone.
   */
  untilCommit?: { statements: number; notEstimated: number; lowMs: number; highMs: number; statementLowMs: number; statementHighMs: number };
  /** One line for reporters: `est. 40–70 s of blocked writes on "orders" (48M rows, 6.1 GB; ~350 writes/s queue behind it)`. */
  text: string;
}

export type RuleSetting = Severity | 'off';

export interface LintOptions extends AnalysisSettings {
  rules: readonly Rule[];
  /** Per-rule severity overrides; rules not named use their defaults (opt-in rules stay off). */
  ruleSettings?: Record<string, RuleSetting>;
  /** Start from a copy of this schema model: earlier migrations analysed once and reused (the language server). */
  schema?: SchemaModel;
  /** Keep each statement's syntax tree (`SourceStatement.node`) in the result; by default it is released once the file is linted. */
  keepSyntaxTrees?: boolean;
  /**
   * `findings`: the results carry no `analysed` statements (a report needs findings and the parsed text only);
   * peak memory then no longer grows with every statement's analysis. Default `all`.
   */
  retain?: 'all' | 'findings';
}

export interface LintInput {
  path: string;
  /** The decoded text, or why it could not be read as text. */
  text?: string;
  error?: string;
  /** False: the file only feeds the schema model (an earlier, already applied migration). */
  lint?: boolean;
  fileOptions?: FileOptions;
  /** The file's down migration (see `withRollback` in src/rollback); rules read it as `ctx.down`. */
  down?: DownMigration;
  /**
   * This input is the down migration of the up migration at this path (the rollback path): its findings are
   * marked, and it is analysed on a copy of the schema so the files after it do not see its effects.
   */
  rollbackOf?: string;
  /**
   * The down migration to lint as this file's rollback path, right after this file, on a copy of the schema it
   * leaves. Its result is `FileResult.rollback`; positions in the result array do not change.
   */
  rollback?: LintInput;
  /** Per-file rule severities (config `overrides`), applied over `LintOptions.ruleSettings`. */
  ruleSettings?: Record<string, RuleSetting>;
}

export interface FileResult {
  path: string;
  findings: Finding[];
  statements: number;
  /** Present when the file was linted: the parsed source and analysed statements. */
  parsed?: ParsedSource;
  analysed?: AnalysedStatement[];
  /** The result of linting `LintInput.rollback` (the down migration, as the rollback path). */
  rollback?: FileResult;
}

const META = { syntax: 'syntax-error', unanalyzed: 'unanalyzed-statement', unused: 'unused-ignore' } as const;

export function ruleIds(rules: readonly Rule[]): Map<string, Rule> {
  const m = new Map<string, Rule>();
  for (const r of rules) {
    m.set(r.meta.id, r);
    for (const a of r.meta.aliases ?? []) m.set(a, r);
  }
  return m;
}

/** Every rule an id names: its own id, or an alias, which may name several (squawk's `require-timeout-settings`). */
export function rulesNamed(rules: readonly Rule[], id: string): Rule[] {
  return rules.filter((r) => r.meta.id === id || r.meta.aliases?.includes(id));
}

/** The effective severity of each rule, after defaults, opt-ins and overrides. */
export function effectiveSeverities(opts: LintOptions): Map<string, Severity> {
  const out = new Map<string, Severity>();
  for (const r of opts.rules) if (r.meta.recommended) out.set(r.meta.id, r.meta.defaultSeverity);
  for (const [id, sev] of Object.entries(opts.ruleSettings ?? {})) {
    for (const rule of rulesNamed(opts.rules, id)) {
      if (sev === 'off') out.delete(rule.meta.id);
      else out.set(rule.meta.id, sev);
    }
  }
  for (const r of opts.rules) {
    const v = r.meta.pgVersions;
    if (v && ((v.min !== undefined && opts.pgVersion < v.min) || (v.max !== undefined && opts.pgVersion > v.max))) out.delete(r.meta.id);
  }
  return out;
}

export async function lint(inputs: LintInput[], opts: LintOptions): Promise<FileResult[]> {
  await initParser();
  return lintSync(inputs, opts);
}

/** Lints files in order; earlier files feed the schema model of later ones. `initParser()` must have run. */
export function lintSync(inputs: LintInput[], opts: LintOptions): FileResult[] {
  const severities = effectiveSeverities(opts);
  const analyzer = new Analyzer({ pgVersion: opts.pgVersion, assumeInTransaction: opts.assumeInTransaction });
  if (opts.schema) cloneSchema(opts.schema, analyzer.schema);
  if (inputs.some((i) => i.fileOptions?.pending)) analyzer.newScope = 'pending';
  const known = ruleIds(opts.rules);
  const perFile = (input: LintInput) => (input.ruleSettings ? effectiveSeverities({ ...opts, ruleSettings: { ...opts.ruleSettings, ...input.ruleSettings } }) : severities);
  return inputs.map((input) => {
    const r = lintOne(input, opts, input.rollbackOf ? forkAnalyzer(analyzer) : analyzer, perFile(input), known);
    if (input.rollback) r.rollback = lintOne({ ...input.rollback, rollbackOf: input.rollback.rollbackOf ?? input.path }, opts, forkAnalyzer(analyzer), perFile(input.rollback), known);
    return r;
  });
}

function lintOne(input: LintInput, opts: LintOptions, analyzer: Analyzer, severities: Map<string, Severity>, known: Map<string, Rule>): FileResult {
  const findings: Finding[] = [];
  const path = input.path;
  if (input.text === undefined) {
    const sev = severities.get(META.syntax) ?? 'error';
    findings.push({ rule: META.syntax, severity: sev, message: input.error ?? 'file could not be read', file: path, line: 1, column: 1, endLine: 1, endColumn: 1, start: 0, end: 0, statement: -1 });
    return { path, findings, statements: 0 };
  }
  const text = input.text;
  const parsed = parseSource(text);
  const statements = expandBodies(parsed);
  const lines = parsed.lines;
  const linting = input.lint !== false;
  const inTransaction = transactionOverride(parsed.comments);
  analyzer.beginFile(path, inTransaction === undefined ? input.fileOptions : { ...input.fileOptions, inTransaction });

  const push: Push = (rule, severity, message, span, statement, help, fix, messageId, redact) => {
    const s = lines.position(span.start);
    const e = lines.position(Math.max(span.start, span.end));
    findings.push({ rule, messageId, severity, message, help, file: path, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, start: span.start, end: span.end, fix, statement, ...(redact?.length ? { redact } : {}) });
  };

  const handlers = linting ? subscribe(opts.rules, severities, analyzer, path, text, push, input) : undefined;
  const hooks: RunHooks = {
    onSyntaxError(s) {
      const sev = severities.get(META.syntax);
      if (linting && sev) push(META.syntax, sev, s.error?.message ?? 'syntax error', { start: s.error?.offset ?? s.start, end: s.end }, s.index, 'This statement was not analysed. Fix the syntax so pgsafe can check it.');
    },
    onError(s, err) {
      // A bug in the lock model must not hide the rest of the file, nor pass this statement as safe.
      const sev = severities.get(META.unanalyzed);
      if (linting && sev) push(META.unanalyzed, 'error', `pgsafe failed to analyse this statement (${err.message}); it was not checked`, { start: s.start, end: s.end }, s.index, 'Please report this as a pgsafe bug. Review the statement by hand meanwhile.');
    },
    onStatement(a) {
      if (!handlers) return;
      const s = a.source;
      handlers.dispatch(a, (id, err) => push(META.unanalyzed, 'error', `rule ${id} failed on this statement (${err.message}); it was not checked by that rule`, { start: s.start, end: s.end }, s.index, 'Please report this as a pgsafe bug. Review the statement by hand meanwhile.'));
      const sev = severities.get(META.unanalyzed);
      if (a.unanalyzed && sev) push(META.unanalyzed, sev, `${a.unanalyzed}; it was not checked`, { start: s.start, end: s.end }, s.index, 'Review this statement by hand, or run `pgsafe replay` to observe its locks.');
    },
  };
  // One statement at a time: without `retain: 'all'` the analysed statements are not kept (rules keep what they
  // need), so a 50 MB file does not hold every statement's analysis until the end.
  const keepAnalysed = opts.retain !== 'findings';
  const analysed: AnalysedStatement[] = [];
  // A rule that parses the file again (for its syntax errors) gets this parse, not a second one.
  const unshare = shareParse(text, parsed);
  try {
    for (const s of statements) {
      const a = runStatements(analyzer, [s], hooks);
      if (keepAnalysed) analysed.push(...a);
    }
    handlers?.end((id, err) => push(META.unanalyzed, 'error', `rule ${id} failed at the end of the file (${err.message})`, { start: 0, end: 0 }, -1, 'Please report this as a pgsafe bug.'));
  } finally {
    unshare();
  }
  if (!linting) {
    if (!opts.keepSyntaxTrees) releaseTrees(statements);
    return { path, findings: [], statements: statements.length };
  }

  // Ignores first: a finding folded into one the user ignored must still be reported on its own.
  const kept = foldRelated(applyIgnores(findings, parseIgnores(parsed.comments, parsed.statements), known, severities, lines, path), known);
  kept.sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
  if (input.rollbackOf) for (const f of kept) { f.rollback = true; f.message += ' (rollback path)'; }
  // Secrets (found by rules, ASTs or their shape) are masked in everything a reporter can print from this result.
  const shown = redactResult(parsed, analysed, kept, keepAnalysed ? undefined : statements);
  // The syntax trees are most of a parse's memory and nothing reads them once the file is linted: let them go
  // (a directory run keeps every file's result until the report).
  if (!opts.keepSyntaxTrees) releaseTrees(statements, shown.parsed.statements);
  return { path, findings: shown.findings, statements: statements.length, parsed: shown.parsed, ...(keepAnalysed ? { analysed: shown.analysed } : {}) };
}

function releaseTrees(...lists: readonly SourceStatement[][]): void {
  for (const list of lists) for (const s of list) s.node = null;
}

type Push = (rule: string, severity: Severity, message: string, span: Span, statement: number, help?: string, fix?: Fix, messageId?: string, redact?: Span[]) => void;

function subscribe(rules: readonly Rule[], severities: Map<string, Severity>, analyzer: Analyzer, file: string, text: string, push: Push, input?: LintInput) {
  type Sub = { id: string; fn: (a: AnalysedStatement) => void };
  const byKind = new Map<string, Sub[]>();
  const ends: Array<{ id: string; fn: () => void }> = [];
  const on = (key: string, id: string, fn: (a: AnalysedStatement) => void) => {
    const list = byKind.get(key) ?? [];
    list.push({ id, fn });
    byKind.set(key, list);
  };
  for (const rule of rules) {
    const severity = severities.get(rule.meta.id);
    if (!severity) continue;
    const id = rule.meta.id;
    const ctx: RuleContext = {
      settings: analyzer.settings,
      schema: analyzer.schema,
      file,
      text,
      isNew: (rel) => analyzer.isNew(rel),
      down: input?.down,
      rollback: !!input?.rollbackOf,
      syntax: SYNTAX,
      report(stmt, r) {
        const template = (rule.meta.messages as Record<string, string>)[r.messageId];
        if (template === undefined) throw new Error(`rule ${id} reported unknown messageId "${r.messageId}"`);
        if (r.fix && rule.meta.fix === 'none') throw new Error(`rule ${id} reported a fix but its meta.fix is "none"`);
        const span = r.span ?? { start: stmt.source.start, end: stmt.source.end };
        push(id, severity, formatMessage(template, r.data), span, stmt.source.index, r.help, r.fix, r.messageId, r.redact);
      },
    };
    let visitor: RuleVisitor;
    try {
      visitor = rule.create(ctx);
    } catch (err) {
      throw tag(err, id);
    }
    for (const [key, fn] of Object.entries(visitor)) {
      if (typeof fn !== 'function') continue;
      if (key === 'onFileEnd') { ends.push({ id, fn: fn as () => void }); continue; }
      if (key === '*' || key === 'statement') on('*', id, (a) => (fn as (a: AnalysedStatement) => void)(a));
      else if (/^[A-Z]/.test(key)) on(key, id, (a) => (fn as (a: AnalysedStatement) => void)(a));
      else on(`action:${key}`, id, (a) => {
        for (const act of a.actions) if (act.type === key) (fn as (x: typeof act, a: AnalysedStatement) => void)(act, a);
      });
    }
  }
  return {
    dispatch(a: AnalysedStatement, failed: (id: string, err: Error) => void) {
      const run = (subs: Sub[] | undefined) => {
        for (const sub of subs ?? []) {
          try {
            sub.fn(a);
          } catch (err) {
            if (process.env.PGSAFE_THROW) throw tag(err, sub.id);
            failed(sub.id, err instanceof Error ? err : new Error(String(err)));
          }
        }
      };
      run(byKind.get('*'));
      run(byKind.get(a.kind));
      const seen = new Set<string>();
      for (const act of a.actions) {
        if (seen.has(act.type)) continue;
        seen.add(act.type);
        run(byKind.get(`action:${act.type}`));
      }
    },
    end(failed: (id: string, err: Error) => void) {
      for (const e of ends) {
        try {
          e.fn();
        } catch (err) {
          if (process.env.PGSAFE_THROW) throw tag(err, e.id);
          failed(e.id, err instanceof Error ? err : new Error(String(err)));
        }
      }
    },
  };
}

function tag(err: unknown, id: string): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  if (!e.message.startsWith(`rule ${id}:`)) e.message = `rule ${id}: ${e.message}`;
  return e;
}

/**
 * One finding per problem: a finding of a rule that another finding's rule subsumes (`meta.subsumes`), on the
 * same statement with an overlapping span, becomes a related note of that finding. The owner keeps its own
 * severity (the user's setting for this problem: `ban-drop-column: info` quiets the drop and its data-loss note),
 * and takes the other's fix when it has none.
 */
export function foldRelated(findings: Finding[], known: Map<string, Rule>): Finding[] {
  const folded = new Set<Finding>();
  // The same rule twice under one underline (`DROP INDEX a, b`: one statement, one decision) is one finding too.
  const first = new Map<string, Finding>();
  const owners: Finding[] = [];
  for (const f of findings) {
    if (f.statement < 0) continue;
    const key = `${f.rule}\0${f.statement}\0${f.start}\0${f.end}`;
    const seen = first.get(key);
    // Engine diagnostics (no messageId: unused ignores, syntax errors) each say something different.
    if (seen && f.messageId !== undefined) {
      folded.add(f);
      seen.related = [...(seen.related ?? []), note(f), ...(f.related ?? [])];
      if (f.redact?.length) seen.redact = [...(seen.redact ?? []), ...f.redact];
      continue;
    }
    if (!seen) first.set(key, f);
    if (known.get(f.rule)?.meta.subsumes?.length) owners.push(f);
  }
  // Only findings of the owner's statement can fold into it; grouping keeps a 50k-statement file linear.
  const byStatement = new Map<number, Finding[]>();
  for (const f of findings) {
    const group = byStatement.get(f.statement);
    if (group) group.push(f);
    else byStatement.set(f.statement, [f]);
  }
  for (const owner of owners) {
    if (folded.has(owner)) continue;
    const subs = known.get(owner.rule)!.meta.subsumes!;
    for (const f of byStatement.get(owner.statement) ?? []) {
      if (f === owner || folded.has(f) || !subs.includes(f.rule)) continue;
      if (f.start > owner.end || owner.start > f.end) continue;
      folded.add(f);
      owner.related = [...(owner.related ?? []), note(f), ...(f.related ?? [])];
      if (!owner.fix && f.fix) owner.fix = f.fix;
      if (f.redact?.length) owner.redact = [...(owner.redact ?? []), ...f.redact];
    }
  }
  return folded.size ? findings.filter((f) => !folded.has(f)) : findings;
}

function note(f: Finding): RelatedNote {
  return { rule: f.rule, message: f.message, help: f.help, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, start: f.start, end: f.end };
}

function applyIgnores(findings: Finding[], ignores: IgnoreDirective[], known: Map<string, Rule>, severities: Map<string, Severity>, lines: LineIndex, path: string): Finding[] {
  if (ignores.length === 0) return findings;
  const canon = (id: string) => known.get(id)?.meta.id ?? id;
  const byId = new Map([...known.values()].map((r) => [r.meta.id, r]));
  const kept = findings.filter((f) => {
    for (const ig of ignores) {
      if (!ig.file && ig.statement !== f.statement) continue;
      const hit = ig.rules.length === 0 ? f.rule : ig.rules.find((r) => canon(r) === f.rule || byId.get(f.rule)?.meta.aliases?.includes(r));
      if (hit) { ig.used.add(hit); return false; }
    }
    return true;
  });
  const sev = severities.get(META.unused);
  if (!sev) return kept;
  for (const ig of ignores) {
    const s = lines.position(ig.start);
    const e = lines.position(ig.end);
    const at = { file: path, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, start: ig.start, end: ig.end, statement: ig.statement };
    for (const r of ig.rules) {
      if (!known.has(r)) kept.push({ ...at, rule: META.unused, severity: sev, message: `unknown rule \`${r}\` in ignore comment`, help: 'Check the rule id with `pgsafe rules`.' });
      else if (!ig.used.has(r) && !ig.used.has(canon(r))) kept.push({ ...at, rule: META.unused, severity: sev, message: `ignore for \`${r}\` suppresses nothing`, help: 'Remove the ignore comment, or move it directly above the statement it is meant for.' });
    }
    if (ig.file && ig.rules.length === 0 && ig.used.size === 0) kept.push({ ...at, rule: META.unused, severity: sev, message: 'file-wide ignore suppresses nothing', help: 'Remove the ignore comment.' });
  }
  return kept;
}
