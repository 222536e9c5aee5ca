import { spawnSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/** npm from its cache where it can (the registry is not needed once the packages are there), quietly. */
const NPM_ENV = { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

/** The environment of a fresh shell: no CI, colour or npm-lifecycle variables from the test runner. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|GITHUB_|RUNNER_|INIT_CWD$|CI$|NO_COLOR$|FORCE_COLOR$|VITEST|NODE_ENV$|PRE_COMMIT)/.test(k)) continue;
    env[k] = v;
  }
  Object.assign(env, NPM_ENV, GIT_ENV, extra);
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as NodeJS.ProcessEnv;
}

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function sh(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}, input?: string): Ran {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(env), encoding: 'utf8', input, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : ''), ms: performance.now() - t0 };
}

/** Runs and throws with the output when the exit code is not 0. */
export function ok(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}): string {
  const r = sh(cmd, args, cwd, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export const git = (cwd: string, ...args: string[]) => ok('git', args, cwd).trim();

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `pgsafe-${name}-`));
}

export function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** The working tree as a fresh repository with one commit: tracked and new files, not ignored ones (so no dist/). */
export function snapshotRepo(into: string): string {
  const files = git(ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0').filter(Boolean);
  for (const f of files) {
    let st;
    try {
      st = lstatSync(join(ROOT, f));
    } catch {
      continue; // deleted in the working tree
    }
    if (!st.isFile()) continue;
    mkdirSync(dirname(join(into, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(into, f));
  }
  git(into, 'init', '-q', '-b', 'main');
  git(into, 'add', '-A');
  git(into, 'commit', '-q', '-m', 'snapshot');
  return into;
}

/** Bytes under `dir`, as `du` counts them (apparent sizes, symlinks not followed). */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += treeBytes(p);
    else total += lstatSync(p).size;
  }
  return total;
}

/** A fresh npm project. */
export function project(name: string): string {
  const dir = tempDir(name);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `try-${name}`, version: '1.0.0', private: true }, null, 2) + '\n');
  return dir;
}

/** `key=value` lines of a GITHUB_OUTPUT file. */
export function outputs(file: string): Record<string, string> {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  return Object.fromEntries(text.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}
