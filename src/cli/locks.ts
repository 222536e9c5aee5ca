// `pgsafe locks [paths…]`: the lock model's prediction for every statement, for people (text) and tools (JSON).
import type { Command } from 'commander';
import { predictFile, type StatementFacts } from '../oracle/predict.js';
import { renderLocksJson, renderLocksText } from '../report/locks.js';
import { lintProject, UsageError } from '../project/index.js';
import type { CliIo } from './io.js';
import { discover } from './run.js';

export interface LocksCliOptions {
  format: string;
  pgVersion?: string;
  assumeInTransaction?: boolean;
  config?: string | false;
  framework?: string;
  stdinFilename?: string;
}

/** The facts of every statement of the files, found and ordered as `lint` does. */
export async function lockFacts(paths: string[], o: LocksCliOptions, io: CliIo): Promise<{ facts: StatementFacts[]; notes: string[] }> {
  const set = await discover(paths, { failOn: 'never', pgVersion: o.pgVersion, assumeInTransaction: o.assumeInTransaction, config: o.config, framework: o.framework, stdinFilename: o.stdinFilename }, io);
  // No rules: only the analysis is wanted.
  const result = await lintProject(set, { rules: [] });
  const facts: StatementFacts[] = [];
  const notes = [...result.notes];
  const files = new Map(set.files.filter((f) => f.lint).map((f) => [f.path, f]));
  const seen = new Set<string>();
  for (const r of result.files) {
    const file = files.get(r.path);
    // The first result of a path is the file itself; a later one is its rollback path (an in-file Down section).
    if (!file || seen.has(r.path)) continue;
    seen.add(r.path);
    if (file.prepared === undefined) {
      notes.push(`${r.path}: ${file.error ?? 'could not be read'}`);
      continue;
    }
    facts.push(...predictFile(r.path, r.analysed ?? [], r.parsed));
  }
  return { facts, notes };
}

/** Exit code: 0, or 1 when a statement could not be analysed (its facts are incomplete). */
export async function runLocks(paths: string[], o: LocksCliOptions, io: CliIo): Promise<number> {
  if (o.format !== 'text' && o.format !== 'json') throw new UsageError(`--format: expected text or json, got "${o.format}"`);
  const { facts, notes } = await lockFacts(paths, o, io);
  io.stdout.write(o.format === 'json' ? renderLocksJson(facts) : renderLocksText(facts));
  for (const n of notes) io.stderr.write(`pgsafe: ${n}\n`);
  const unanalysed = facts.filter((f) => f.unanalyzed).length;
  if (unanalysed && o.format === 'text') io.stderr.write(`pgsafe: ${unanalysed} statement(s) could not be analysed; their locks are not known\n`);
  return unanalysed || notes.some((n) => !/: skipped,/.test(n)) ? 1 : 0;
}

export function registerLocksCommand(program: Command, io: CliIo): void {
  program
    .command('locks')
    .description('show the locks, cost, rewrites and scans pgsafe predicts for each statement')
    .argument('[paths...]', 'files, directories (every *.sql, in migration order), globs, or - for stdin')
    .option('-f, --format <format>', 'text or json', 'text')
    .option('--pg-version <major>', 'Postgres major version of the target server (default: config pgVersion, else 15)')
    .option('--assume-in-transaction', 'each file runs inside one transaction (as most migration frameworks do)')
    .option('--no-assume-in-transaction', 'each file runs outside a transaction, whatever the config or framework says')
    .option('--stdin-filename <name>', 'file name to report for input read from -')
    .option('-c, --config <file>', 'config file (default: pgsafe.config.json or .pgsaferc.json, found walking up from the files)')
    .option('--no-config', 'ignore config files')
    .option('--framework <name>', 'migration framework preset: flyway, golang-migrate, goose, dbmate, prisma, diesel, sqitch, rails')
    .action(async (paths: string[], o: LocksCliOptions) => {
      process.exitCode = await runLocks(paths, o, io);
    });
}
