// The CLI in tests: `runCli` calls main(argv, io) in this process with buffers for streams (fast, and what
// almost every test wants); `runProcess` spawns bin/pgsafe.js, kept for exit codes, signals and real stdin.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export const ROOT = resolve(__dirname, '../..');
export const BIN = join(ROOT, 'bin/pgsafe.js');

export interface RunOptions {
  input?: string | Buffer;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Pretend stdout is a terminal (colour detection). */
  tty?: boolean;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** CI and colour variables cleared unless given, so results do not depend on where the tests run. */
function testEnv(env: RunOptions['env']): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, GITHUB_ACTIONS: undefined, GITHUB_STEP_SUMMARY: undefined, GITHUB_WORKSPACE: undefined, CI_PROJECT_DIR: undefined, ...env };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

class Capture {
  text = '';
  constructor(readonly isTTY = false) {}
  write(chunk: string | Uint8Array): boolean {
    this.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }
}

/** Runs `pgsafe ...args` in this process through main(argv, io). */
export async function runCli(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const stdout = new Capture(opts.tty);
  const stderr = new Capture();
  const cwd = opts.cwd ?? ROOT;
  const input = opts.input === undefined ? [] : [typeof opts.input === 'string' ? Buffer.from(opts.input) : opts.input];
  // Some file reads below the project layer still take paths relative to the process's directory.
  const before = process.cwd();
  // Commands that set the process's exit code (replay, locks) must not leak it into the next call or test file.
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  process.chdir(cwd);
  try {
    const code = await main(['node', 'pgsafe', ...args], { stdout, stderr, stdin: Readable.from(input), cwd, env: testEnv(opts.env) });
    return { code, stdout: stdout.text, stderr: stderr.text };
  } finally {
    process.chdir(before);
    process.exitCode = exitCode;
  }
}

/** Runs the built CLI (bin/pgsafe.js, which loads dist/) as a process. */
export function runProcess(args: string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, input: opts.input, env: testEnv(opts.env) as NodeJS.ProcessEnv, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary directory holding the given files. */
export function tmp(files: Record<string, string | Buffer>, prefix = 'pgsafe-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
