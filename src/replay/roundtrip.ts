// The real round trip (`pgsafe replay --check-rollback`): on a throwaway database, each pending migration runs up,
// then down, then up again; the catalog is compared after each step. It reports any difference and any statement
// that fails, in the same words as the static round trip (rollback/snapshot.ts), and says where the two disagree.
import type { Command } from 'commander';
import pg from 'pg';
import { readFile } from 'node:fs/promises';
import { Analyzer } from '../analysis/analyzer.js';
import type { AnalysisSettings } from '../analysis/types.js';
import { initParser, parseSource, type SourceStatement } from '../source/index.js';
import { expandPaths, splitPending } from './files.js';
import { startServer, type ProviderName, type ReplayServer } from './providers.js';
import { errorMessage, oneLine, ReplayUsageError } from './util.js';
import { redactSql, secretSpans } from '../analysis/secrets.js';
import { catalogSnapshot } from '../rollback/catalog.js';
import { findDown, isDownFile, sectionMarkers } from '../rollback/down.js';
import { diffRoundTrip, diffStates, type RoundTripIssue, type Snapshot } from '../rollback/snapshot.js';
import { applyStatements, dropKnownRestores, migrationStatements, staticRoundTrip, upTouches, type MigrationText } from '../rollback/static.js';
import type { DownMigration, RollbackFramework } from '../rollback/types.js';

/** Adds `--check-rollback` to a command (the replay command). */
export function addCheckRollback(cmd: Command): Command {
  return cmd.option(
    '--check-rollback',
    'also run each pending migration up, down and up again on a throwaway database, and report any catalog difference (tables, columns, constraints, indexes, enums) or failing statement',
  );
}

export interface CheckRollbackOptions {
  paths: string[];
  /** `pg_dump --schema-only` output applied before the base migrations. */
  schema?: string;
  pending?: string;
  changedSince?: string;
  framework?: RollbackFramework | string;
  /** Run each file inside one transaction (as most frameworks do), unless it has its own BEGIN/COMMIT. */
  assumeInTransaction?: boolean;
  provider?: 'auto' | ProviderName;
  databaseUrl?: string;
  pgVersion?: number;
  /** An already started server with an empty scratch database (tests, or a caller that owns one); not disposed. */
  server?: ReplayServer;
  log?: (message: string) => void;
}

export type RoundTripStep = 'up' | 'down' | 'up-again';

export interface StepResult {
  step: RoundTripStep;
  ms: number;
  statements: number;
  /** The failing statement, if one failed; the round trip of this file (and of the files after it) stops there. */
  error?: { path: string; line: number; column: number; sql: string; message: string; code?: string };
}

export interface RollbackIssue extends RoundTripIssue {
  /** After which step the catalog differed: `down` (compared with before up) or `up-again` (compared with the first up). */
  after: 'down' | 'up-again';
}

export interface RollbackFileReport {
  path: string;
  down?: { path: string; label: string; state: DownMigration['state'] };
  /** Why the round trip did not run: no down, an empty down, a down that only raises, or an earlier failure. */
  skipped?: string;
  steps: StepResult[];
  issues: RollbackIssue[];
  /** The static round trip's issues for the same file, to compare. */
  staticIssues: RoundTripIssue[];
  /** Problems one round trip saw and the other did not (`kind name problem`). */
  disagreements: { replayOnly: string[]; staticOnly: string[] };
  /** Up + down + up again, statements only (snapshots excluded). */
  ms: number;
}

export interface RollbackFinding {
  path: string;
  line: number;
  column: number;
  rule: 'rollback-round-trip' | 'rollback-statement-failed';
  severity: 'error' | 'warning';
  message: string;
}

export interface RollbackReport {
  server: { provider: ProviderName; version: string; detail: string; startMs: number };
  base: string[];
  files: RollbackFileReport[];
  findings: RollbackFinding[];
  totalMs: number;
}

interface Migration {
  path: string;
  up: MigrationText;
  upStatements: SourceStatement[];
  down?: DownMigration;
  downText?: MigrationText;
  downStatements: SourceStatement[];
}

async function loadMigration(path: string, framework: string | undefined): Promise<Migration> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ReplayUsageError(`cannot read ${path}: ${errorMessage(err)}`);
  }
  const down = findDown(path, text, { framework: framework as RollbackFramework | undefined });
  const marker = sectionMarkers(text)?.down;
  const up: MigrationText = { path, text, span: marker ? { start: 0, end: marker.start } : undefined };
  const upStatements = migrationStatements(up);
  const bad = parseSource(text).statements.find((s) => s.kind === 'SyntaxError' && (!up.span || s.start < up.span.end));
  if (bad) throw new ReplayUsageError(`${path}:${bad.line}:${bad.column}: ${bad.error?.message ?? 'syntax error'}`);
  const downText = down?.text !== undefined ? { path: down.path, text: down.text } : undefined;
  return { path, up, upStatements, down, downText, downStatements: downText ? migrationStatements(downText) : [] };
}

const key = (i: RoundTripIssue) => `${i.kind} ${i.name} ${i.problem}`;

/** Runs statements one by one; wraps them in BEGIN/COMMIT when asked and the file has no transaction control of its own. */
async function runStatements(client: pg.Client, path: string, statements: SourceStatement[], step: RoundTripStep, wrap: boolean): Promise<StepResult> {
  const t0 = performance.now();
  const own = statements.some((s) => s.kind === 'TransactionStmt');
  const tx = wrap && !own && !statements.some((s) => /\bconcurrently\b/i.test(s.text) || s.kind === 'VacuumStmt');
  let n = 0;
  try {
    if (tx) await client.query('BEGIN');
    for (const s of statements) {
      try {
        await client.query(s.text);
        n++;
      } catch (err) {
        const e = err as { message?: string; code?: string };
        await client.query('ROLLBACK').catch(() => {});
        // A literal secret in the statement never reaches the report, not even echoed in Postgres' message.
        const secrets = secretSpans(s).map((r) => s.text.slice(r.start - s.start, r.end - s.start)).filter((x) => x.length > 0);
        const hide = (t: string) => secrets.reduce((acc, x) => acc.split(x).join('*'.repeat(x.length)), t);
        return { step, ms: performance.now() - t0, statements: n, error: { path, line: s.line, column: s.column, sql: oneLine(redactSql(s)).slice(0, 200), message: hide(oneLine(e.message ?? String(err))), code: e.code } };
      }
    }
    if (tx) await client.query('COMMIT');
  } finally {
    // a file that leaves its own transaction open: close it, as the framework's connection would end
    await client.query('ROLLBACK').catch(() => {});
  }
  return { step, ms: performance.now() - t0, statements: n };
}

function stepMessage(step: RoundTripStep, e: NonNullable<StepResult['error']>): string {
  const what = step === 'up' ? 'the up migration' : step === 'down' ? 'the down migration' : 'the up migration, run again after down,';
  return `${what} failed on a throwaway database: ${e.message}${e.code ? ` (SQLSTATE ${e.code})` : ''}`;
}

/**
 * Checks each pending migration's rollback on a real Postgres: base migrations first, then for each pending file
 * up → snapshot → down → snapshot (compared with before up) → up again → snapshot (compared with the first up).
 */
export async function checkRollback(opts: CheckRollbackOptions): Promise<RollbackReport> {
  await initParser();
  const t0 = performance.now();
  const all = (await expandPaths(opts.paths)).filter((p) => !isDownFile(p, opts.framework));
  const split = await splitPending(all, opts);
  const base = await Promise.all(split.base.map((p) => loadMigration(p, opts.framework)));
  const pending = await Promise.all(split.pending.map((p) => loadMigration(p, opts.framework)));
  const schemaText = opts.schema ? await readFile(opts.schema, 'utf8').catch((err) => { throw new ReplayUsageError(`cannot read ${opts.schema}: ${errorMessage(err)}`); }) : undefined;

  const owned = !opts.server;
  const server = opts.server ?? (await startServer({ provider: opts.provider, databaseUrl: opts.databaseUrl, pgVersion: opts.pgVersion, log: opts.log })).server;
  const settings: AnalysisSettings = { pgVersion: Number.parseInt(server.version, 10) || opts.pgVersion || 15, assumeInTransaction: !!opts.assumeInTransaction };
  const report: RollbackReport = { server: { provider: server.provider, version: server.version, detail: server.detail, startMs: Math.round(server.startMs) }, base: split.base, files: [], findings: [], totalMs: 0 };
  const client = new pg.Client(server.clientConfig());
  client.on('error', () => {});
  try {
    await client.connect();
    const model = new Analyzer(settings);
    if (schemaText) {
      // pg_dump output may contain psql meta-commands (`\connect`, `\restrict`): not SQL.
      const stmts = parseSource(schemaText.replace(/^\\.*$/gm, (m) => ' '.repeat(m.length))).statements.filter((s) => s.kind !== 'SyntaxError' && !s.parent);
      const r = await runStatements(client, opts.schema!, stmts, 'up', false);
      if (r.error) throw new ReplayUsageError(`--schema failed: ${r.error.path}:${r.error.line}:${r.error.column}: ${r.error.message}`);
      model.beginFile(opts.schema!);
      applyStatements(model, stmts);
    }
    for (const b of base) {
      const r = await runStatements(client, b.path, b.upStatements, 'up', !!opts.assumeInTransaction);
      if (r.error) throw new ReplayUsageError(`base migration failed: ${r.error.path}:${r.error.line}:${r.error.column}: ${r.error.message}`);
      model.beginFile(b.path);
      applyStatements(model, b.upStatements);
    }
    let stopped: string | undefined;
    for (const m of pending) {
      const entry: RollbackFileReport = {
        path: m.path, down: m.down ? { path: m.down.path, label: m.down.label, state: m.down.state } : undefined,
        steps: [], issues: [], staticIssues: [], disagreements: { replayOnly: [], staticOnly: [] }, ms: 0,
      };
      report.files.push(entry);
      if (stopped) {
        entry.skipped = stopped;
        continue;
      }
      const wrap = !!opts.assumeInTransaction;
      const state = m.down?.state ?? 'missing';
      if (state !== 'present' || !m.downText) {
        entry.skipped = state === 'missing' ? 'no down migration' : state === 'empty' ? 'the down migration is empty' : 'the down migration only raises an error';
        const r = await runStatements(client, m.path, m.upStatements, 'up', wrap);
        entry.steps.push(r);
        if (r.error) {
          report.findings.push({ path: m.path, line: r.error.line, column: r.error.column, rule: 'rollback-statement-failed', severity: 'error', message: stepMessage('up', r.error) });
          stopped = `not checked: ${m.path} failed before it`;
        }
        model.beginFile(m.path);
        applyStatements(model, m.upStatements);
        continue;
      }
      const st = staticRoundTrip(model.schema, m.up, m.downText, settings);
      entry.staticIssues = st.issues.map(({ statement: _s, span: _sp, ...i }) => i);
      const touched = upTouches(model.schema, m.up, settings);

      const before = await catalogSnapshot(client);
      const up = await runStatements(client, m.path, m.upStatements, 'up', wrap);
      entry.steps.push(up);
      let afterUp: Snapshot | undefined;
      const fail = (r: StepResult) => {
        report.findings.push({ path: r.error!.path, line: r.error!.line, column: r.error!.column, rule: 'rollback-statement-failed', severity: 'error', message: stepMessage(r.step, r.error!) });
        stopped = `not checked: the round trip of ${m.path} failed before it`;
      };
      if (up.error) fail(up);
      else {
        afterUp = await catalogSnapshot(client);
        const down = await runStatements(client, m.downText.path, m.downStatements, 'down', wrap);
        entry.steps.push(down);
        if (down.error) fail(down);
        else {
          const afterDown = await catalogSnapshot(client);
          for (const i of dropKnownRestores(diffRoundTrip(before, afterUp, afterDown), touched)) entry.issues.push({ ...i, after: 'down' });
          const again = await runStatements(client, m.path, m.upStatements, 'up-again', wrap);
          entry.steps.push(again);
          if (again.error) fail(again);
          else for (const i of diffStates(afterUp, await catalogSnapshot(client))) entry.issues.push({ ...i, after: 'up-again' });
        }
      }
      entry.ms = entry.steps.reduce((a, s) => a + s.ms, 0);
      const replayKeys = new Set(entry.issues.filter((i) => i.after === 'down').map(key));
      const staticKeys = new Set(entry.staticIssues.map(key));
      if (!up.error && !entry.steps.some((s) => s.step === 'down' && s.error)) {
        entry.disagreements = { replayOnly: [...replayKeys].filter((k) => !staticKeys.has(k)), staticOnly: [...staticKeys].filter((k) => !replayKeys.has(k)) };
      }
      const first = m.upStatements[0];
      for (const i of entry.issues) {
        report.findings.push({
          path: m.path, line: first?.line ?? 1, column: first?.column ?? 1, rule: 'rollback-round-trip', severity: 'error',
          message: `round trip on a throwaway database: ${i.message}`,
        });
      }
      model.beginFile(m.path);
      applyStatements(model, m.upStatements);
    }
  } finally {
    await client.end().catch(() => {});
    if (owned) await server.dispose();
  }
  report.totalMs = Math.round(performance.now() - t0);
  return report;
}

/** Exit status for the replay command: 1 when a round trip found a difference or a failing statement. */
export function rollbackExitCode(report: RollbackReport): number {
  return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

/** The report as text (the replay command's default format). */
export function formatRollbackText(report: RollbackReport): string {
  const out: string[] = [];
  out.push(`Rollback check: up, down, up again on ${report.server.provider} PostgreSQL ${report.server.version} (${report.server.detail}; started in ${report.server.startMs} ms)`);
  if (report.base.length) out.push(`  base: ${report.base.length} migration(s) applied first`);
  for (const f of report.files) {
    out.push('', `${f.path}${f.down ? ` ↔ ${f.down.label}` : ''}`);
    if (f.skipped) out.push(`  skipped: ${f.skipped}`);
    for (const s of f.steps) out.push(`  ${s.step.padEnd(8)} ${String(s.statements).padStart(3)} statement(s) in ${s.ms.toFixed(1)} ms${s.error ? `  FAILED at ${s.error.path}:${s.error.line}:${s.error.column}: ${s.error.message}` : ''}`);
    if (!f.skipped && !f.steps.some((s) => s.error) && f.issues.length === 0) out.push('  ✔ the catalog after down matches the catalog before up, and up runs again to the same catalog');
    for (const i of f.issues) out.push(`  ✖ ${i.message}`);
    if (f.disagreements.replayOnly.length || f.disagreements.staticOnly.length) {
      out.push(`  note: the static round trip ${f.disagreements.staticOnly.length ? `also reported ${f.disagreements.staticOnly.join('; ')}` : ''}${f.disagreements.staticOnly.length && f.disagreements.replayOnly.length ? ', and ' : ''}${f.disagreements.replayOnly.length ? `did not see ${f.disagreements.replayOnly.join('; ')}` : ''}`);
    }
  }
  const failed = report.findings.length;
  out.push('', failed ? `✖ ${failed} rollback problem${failed === 1 ? '' : 's'} (${report.totalMs} ms)` : `✔ every checked rollback restores the schema (${report.totalMs} ms)`);
  return out.join('\n') + '\n';
}

/** The report as Markdown (a PR comment section). */
export function formatRollbackMarkdown(report: RollbackReport): string {
  const out: string[] = ['## Rollback check', '', `up → down → up again on PostgreSQL ${report.server.version} (${report.server.provider}), ${report.totalMs} ms`, ''];
  out.push('| migration | down | up / down / up again (ms) | result |', '| --- | --- | --- | --- |');
  for (const f of report.files) {
    const ms = f.steps.map((s) => `${s.ms.toFixed(1)}${s.error ? ' ✖' : ''}`).join(' / ') || '–';
    const result = f.skipped ? `skipped: ${f.skipped}` : f.steps.some((s) => s.error) || f.issues.length ? `✖ ${f.issues.length + f.steps.filter((s) => s.error).length} problem(s)` : '✔';
    out.push(`| \`${f.path}\` | ${f.down ? `\`${f.down.label}\`` : '–'} | ${ms} | ${result} |`);
  }
  const problems = report.findings;
  if (problems.length) {
    out.push('');
    for (const x of problems) out.push(`- \`${x.path}:${x.line}\`: ${x.message}`);
  }
  return out.join('\n') + '\n';
}

/** The report in one of the replay command's formats. */
export function formatRollback(report: RollbackReport, format: 'pretty' | 'json' | 'markdown' | string): string {
  return format === 'json' ? formatRollbackJson(report) : format === 'markdown' ? formatRollbackMarkdown(report) : formatRollbackText(report);
}

/** Adds the rollback report to the replay command's JSON output, so stdout stays one JSON document. */
export function mergeRollbackJson(replayJson: string, report: RollbackReport): string {
  return JSON.stringify({ ...JSON.parse(replayJson), rollback: JSON.parse(formatRollbackJson(report)).rollback }, null, 2) + '\n';
}

/** The report as JSON (`--format json`). */
export function formatRollbackJson(report: RollbackReport): string {
  return JSON.stringify({ version: 1, rollback: report }, (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 10) / 10 : v), 2) + '\n';
}

