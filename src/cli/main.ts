import { Command, CommanderError, Option } from 'commander';
import { rules } from '../../rules/index.js';
import { ruleIds } from '../engine/engine.js';
import { ConfigError } from '../config/types.js';
import { UsageError } from '../project/errors.js';
import { runLint } from './run.js';
export { exitCode, parsePgVersion, type LintCliOptions } from './run.js';
import { registerInitCommand } from './init.js';
import { registerLocksCommand } from './locks.js';
import { explainRule, rulesTable } from './explain.js';
import { registerLspCommand } from '../lsp/command.js';
import { runFix, type FixCliOptions } from './fix.js';
import { processIo, type CliIo } from './io.js';
import { maskWrites } from '../report/mask.js';
export { processIo, type CliIo } from './io.js';
import { registerStatsCommand } from './stats.js';

const collect = (v: string, all: string[] = []) => [...all, v];

/** The command tree; actions write through `io` and leave their exit code in `exit.code`. */
export function buildProgram(io: CliIo, exit: { code: number }): Command {
  const program = new Command('pgsafe')
    .description('PostgreSQL migration safety analyzer: lock risk and backward compatibility')
    .version('0.1.0')
    .option('--debug', 'print stack traces of internal errors')
    .exitOverride()
    // Usage errors are one line: the message and where to look, not the whole help.
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`pgsafe: ${s.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim()} (see \`pgsafe --help\`)\n`),
    });

  program
    .command('lint')
    .description('lint SQL migration files')
    .argument('[paths...]', 'files, directories (every *.sql, in migration order), globs, or - for stdin')
    .addOption(new Option('-f, --format <format>', 'output format: pretty (default), json, sarif, github, gcc, markdown, junit, gitlab'))
    .addOption(new Option('--reporter <format>', 'the same as --format (squawk\'s name; tty means pretty)'))
    .option('--pg-version <major>', 'Postgres major version of the target server (default: config pgVersion, else 15)')
    .option('--assume-in-transaction', 'each file runs inside one transaction (as most migration frameworks do)')
    .option('--no-assume-in-transaction', 'each file runs outside a transaction, whatever the config or framework says')
    .option('--enable <ids>', 'comma-separated rules to turn on (also opt-in rules)')
    .option('--disable <ids>', 'comma-separated rules to turn off')
    .option('--include <ids>', 'the same as --enable (squawk\'s name)')
    .option('-e, --exclude <ids>', 'the same as --disable (squawk\'s name)')
    .option('--exclude-path <glob>', 'never lint files matching this glob (repeatable; relative to the working directory)', collect)
    .option('--fail-on <level>', 'exit 1 when a finding is at or above: error, warning or never', 'warning')
    .option('--stdin-filename <name>', 'file name to report for input read from -')
    .option('-c, --config <file>', 'config file (default: pgsafe.config.json or .pgsaferc.json, found walking up from the linted files)')
    .option('--no-config', 'ignore config files')
    .option('--framework <name>', 'migration framework preset: flyway, golang-migrate, goose, dbmate, prisma, diesel, sqitch, rails')
    .option('--changed-since <ref>', 'lint only migrations added or changed since this git ref (its merge base with HEAD); earlier ones still feed the schema model')
    .option('--staged', 'lint only migrations staged in git, as staged (for pre-commit hooks)')
    .option('--fix', 'apply safe fixes to the files (with -: print the fixed SQL to stdout, the report to stderr)')
    .option('--stats <file>', 'a snapshot from `pgsafe stats`: findings gain table size, traffic and estimated blocking (default: config "stats")')
    .option('--stats-threshold <duration>', 'with --stats: estimated blocking below this is info, at or above it error (default 1s)')
    .option('--fix-unsafe', 'apply unsafe fixes too (added statements, type changes); implies --fix')
    .action(async (paths: string[], o: FixCliOptions) => {
      exit.code = o.fix || o.fixUnsafe ? await runFix(paths, o, io) : await runLint(paths, o, io);
    });

  program
    .command('rules')
    .description('list the rules')
    .option('-f, --format <format>', 'table or json', 'table')
    .action((o: { format: string }) => {
      if (o.format !== 'table' && o.format !== 'json') throw new UsageError(`--format: expected table or json, got "${o.format}"`);
      io.stdout.write(rulesTable(rules, o.format));
    });

  program
    .command('explain')
    .description('explain a rule: what it flags, why, an example and the safe alternative')
    .argument('<rule>', 'rule id')
    .action((id: string) => {
      const rule = ruleIds(rules).get(id);
      if (!rule) throw new UsageError(`unknown rule "${id}" (see \`pgsafe rules\`)`);
      io.stdout.write(explainRule(rule));
    });

  registerLspCommand(program, io);
  registerInitCommand(program, io);
  registerLocksCommand(program, io);
  registerStatsCommand(program, io);

  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 clean, 1 findings at or above --fail-on, 2 usage or internal error.
 * `argv` is the process's (`node`, script, arguments…); everything is read and written through `io`.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const exit = { code: 0 };
  const program = buildProgram(io, exit);
  // replay pulls in pg and the providers: load it only when it runs, so `lint` starts fast.
  const positional = argv.slice(2).filter((a) => !a.startsWith('-'));
  if (positional[0] === 'replay' || (positional[0] === 'help' && positional[1] === 'replay')) {
    const { registerReplayCommand } = await import('./replay.js');
    registerReplayCommand(program, io, exit);
  } else {
    program.command('replay').description('run pending migrations on a throwaway Postgres seeded with data; measure locks, rewrites, time and blocking');
  }
  // Global: before or after the command.
  const debug = argv.includes('--debug');
  const args = argv.filter((a, i) => i < 2 || a !== '--debug' || positional[0] === 'replay');
  // No password leaves pgsafe: every write to stdout and stderr is masked, whatever wrote it (src/report/mask.ts).
  const unmask = maskWrites([io.stdout, io.stderr]);
  try {
    await program.parseAsync(args);
    // `pgsafe locks` sets the process's exit code itself.
    return exit.code || (typeof process.exitCode === 'number' ? process.exitCode : 0);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError || err instanceof ConfigError) {
      io.stderr.write(`pgsafe: ${err.message}\n`);
      return 2;
    }
    const e = err as Error;
    io.stderr.write(`pgsafe: internal error: ${e?.message ?? String(err)}\n`);
    if (debug && e?.stack) io.stderr.write(e.stack + '\n');
    return 2;
  } finally {
    unmask();
  }
}
