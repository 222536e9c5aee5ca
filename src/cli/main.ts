import { Command, CommanderError, Option } from 'commander';
import { rules } from '../../rules/index.js';
import { lint, ruleIds, type FileResult, type LintInput, type RuleSetting } from '../engine/engine.js';
import { decodeSource, readSourceFile } from '../source/read.js';
import { reporters, summarize } from '../report/index.js';
import { resolvePaths, UsageError } from './files.js';
import { explainRule, rulesTable } from './explain.js';
import { registerLspCommand } from '../lsp/command.js';

export interface LintCliOptions {
  format: string;
  pgVersion: string;
  assumeInTransaction?: boolean;
  enable?: string;
  disable?: string;
  failOn: string;
  stdinFilename?: string;
  debug?: boolean;
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR) return false;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return !!stream.isTTY;
}

function parseIdList(value: string | undefined, flag: string): string[] {
  if (!value) return [];
  const known = ruleIds(rules);
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) if (!known.has(id)) throw new UsageError(`${flag}: unknown rule "${id}" (see \`pgsafe rules\`)`);
  return ids;
}

export function parsePgVersion(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 9 || n > 30) throw new UsageError(`--pg-version: expected a Postgres major version such as 15, got "${v}"`);
  return n;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function runLint(paths: string[], o: LintCliOptions): Promise<number> {
  const format = reporters[o.format];
  if (!format) throw new UsageError(`--format: unknown format "${o.format}" (one of ${Object.keys(reporters).join(', ')})`);
  if (!['error', 'warning', 'never'].includes(o.failOn)) throw new UsageError(`--fail-on: expected error, warning or never, got "${o.failOn}"`);
  const pgVersion = parsePgVersion(o.pgVersion);
  const ruleSettings: Record<string, RuleSetting> = {};
  for (const id of parseIdList(o.enable, '--enable')) {
    const r = ruleIds(rules).get(id)!;
    ruleSettings[r.meta.id] = r.meta.defaultSeverity;
  }
  for (const id of parseIdList(o.disable, '--disable')) ruleSettings[ruleIds(rules).get(id)!.meta.id] = 'off';
  if (paths.length === 0) throw new UsageError('no paths given (pass files, directories, globs, or - for stdin)');

  const inputs: LintInput[] = [];
  const files = await resolvePaths(paths.filter((p) => p !== '-'));
  for (const p of paths) {
    if (p !== '-') continue;
    const decoded = decodeSource(await readStdin());
    const name = o.stdinFilename ?? '<stdin>';
    inputs.push(decoded.ok ? { path: name, text: decoded.text } : { path: name, error: decoded.message });
  }
  for (const f of files) {
    const r = await readSourceFile(f);
    if (!r.ok && r.unreadable) throw new UsageError(r.message);
    inputs.push(r.ok ? { path: f, text: r.text } : { path: f, error: r.message });
  }
  const results: FileResult[] = await lint(inputs, { rules, pgVersion, assumeInTransaction: !!o.assumeInTransaction, ruleSettings });
  process.stdout.write(format({ files: results, rules, color: useColor(process.stdout), cwd: process.cwd() }));
  return exitCode(results, o.failOn);
}

export function exitCode(results: FileResult[], failOn: string): number {
  if (failOn === 'never') return 0;
  const s = summarize(results);
  return s.errors > 0 || (failOn === 'warning' && s.warnings > 0) ? 1 : 0;
}

export function buildProgram(): Command {
  const program = new Command('pgsafe')
    .description('PostgreSQL migration safety analyzer: lock risk and backward compatibility')
    .version('0.1.0')
    .option('--debug', 'print stack traces of internal errors')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('lint')
    .description('lint SQL migration files')
    .argument('[paths...]', 'files, directories (every *.sql, in migration order), globs, or - for stdin')
    .addOption(new Option('-f, --format <format>', 'output format').default('pretty'))
    .option('--pg-version <major>', 'Postgres major version of the target server', '15')
    .option('--assume-in-transaction', 'each file runs inside one transaction (as most migration frameworks do)')
    .option('--enable <ids>', 'comma-separated rules to turn on (also opt-in rules)')
    .option('--disable <ids>', 'comma-separated rules to turn off')
    .option('--fail-on <level>', 'exit 1 when a finding is at or above: error, warning or never', 'warning')
    .option('--stdin-filename <name>', 'file name to report for input read from -')
    .action(async (paths: string[], o: LintCliOptions) => {
      process.exitCode = await runLint(paths, o);
    });

  program
    .command('rules')
    .description('list the rules')
    .option('-f, --format <format>', 'table or json', 'table')
    .action((o: { format: string }) => {
      if (o.format !== 'table' && o.format !== 'json') throw new UsageError(`--format: expected table or json, got "${o.format}"`);
      process.stdout.write(rulesTable(rules, o.format));
    });

  program
    .command('explain')
    .description('explain a rule: what it flags, why, an example and the safe alternative')
    .argument('<rule>', 'rule id')
    .action((id: string) => {
      const rule = ruleIds(rules).get(id);
      if (!rule) throw new UsageError(`unknown rule "${id}" (see \`pgsafe rules\`)`);
      process.stdout.write(explainRule(rule));
    });

  registerLspCommand(program);

  return program;
}

/** Runs the CLI and returns the exit code: 0 clean, 1 findings at or above --fail-on, 2 usage or internal error. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`pgsafe: ${err.message}\n`);
      return 2;
    }
    const e = err as Error;
    process.stderr.write(`pgsafe: internal error: ${e?.message ?? String(err)}\n`);
    if (debug && e?.stack) process.stderr.write(e.stack + '\n');
    return 2;
  }
}
