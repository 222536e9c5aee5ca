import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, rmSync, statfsSync, statSync } from 'node:fs';
import { chown, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { PgBinaries } from './binaries.js';
import { registerCleanup } from './cleanup.js';
import { randomSuffix, sleep } from './util.js';

const execFileP = promisify(execFile);

export const CLUSTER_PREFIX = 'pgsafe-replay-';
const TEMPLATE_PREFIX = 'pgsafe-template-';
const BUILD_PREFIX = 'pgsafe-tmplbuild-';
const PORT = 5432;

export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

export interface LocalCluster {
  dir: string;
  pid: number;
  binaries: PgBinaries;
  /** Milliseconds from the copy of the template to the first successful query. */
  startMs: number;
  clientConfig(database?: string): pg.ClientConfig;
  stop(): Promise<void>;
  /** Stops the server cleanly, copies its data dir to `dest` (replacing it), and starts it again. */
  snapshotTo(dest: string): Promise<void>;
}

export interface StartClusterOptions {
  binaries: PgBinaries;
  /** Where cluster dirs and the cached template go; default `$PGSAFE_REPLAY_TMPDIR`, else /dev/shm, else os.tmpdir(). */
  baseDir?: string;
  settings?: Record<string, string>;
  startTimeoutMs?: number;
}

/** tmpfs when available (and at least 2 GB free): copying the template there takes ~60 ms against 0.3–1 s on ext4. */
export function defaultBaseDir(): string {
  if (process.env.PGSAFE_REPLAY_TMPDIR) return process.env.PGSAFE_REPLAY_TMPDIR;
  try {
    accessSync('/dev/shm', constants.W_OK);
    // Containers often get a 64 MB /dev/shm: too small for a seeded cluster.
    const fs = statfsSync('/dev/shm');
    if (statSync('/dev/shm').isDirectory() && fs.bavail * fs.bsize >= 2 * 1024 ** 3) return '/dev/shm';
  } catch {
    // no tmpfs
  }
  return os.tmpdir();
}

/** Postgres refuses to run as root: as root, run it as `postgres` (or `nobody`). */
export function runAsUser(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    // fall through
  }
  for (const name of ['postgres', 'nobody']) {
    const line = passwd.split('\n').find((l) => l.startsWith(name + ':'));
    if (line) {
      const f = line.split(':');
      return { name, uid: Number(f[2]), gid: Number(f[3]) };
    }
  }
  throw new Error('running as root, but neither a `postgres` nor a `nobody` user exists to run the server as');
}

let setprivPath: string | null | undefined;
function findSetpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  for (const p of ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv']) {
    if (existsSync(p)) {
      setprivPath = p;
      break;
    }
  }
  return setprivPath;
}

/** The command line that runs a server binary as the right user and ties its life to ours (`--pdeathsig`). */
function command(bin: string, args: string[], runAs: RunAs | undefined): [string, string[]] {
  const setpriv = findSetpriv();
  if (runAs) {
    if (!setpriv) throw new Error('running as root needs `setpriv` (util-linux) to start Postgres as an unprivileged user');
    return [setpriv, [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups', '--pdeathsig=QUIT', '--', bin, ...args]];
  }
  if (setpriv && process.platform === 'linux') return [setpriv, ['--pdeathsig=QUIT', '--', bin, ...args]];
  return [bin, args];
}

function templateDir(baseDir: string, binaries: PgBinaries, runAs: RunAs | undefined): string {
  const h = createHash('sha1').update(binaries.bindir + '\0' + binaries.version).digest('hex').slice(0, 8);
  const uid = runAs ? runAs.uid : typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(baseDir, `${TEMPLATE_PREFIX}${binaries.major}-${uid}-${h}`);
}

async function makeOwnedDir(dir: string, runAs: RunAs | undefined): Promise<void> {
  await mkdir(dir, { mode: 0o700 });
  if (runAs) await chown(dir, runAs.uid, runAs.gid);
}

/** `initdb` once per binaries+user into a cached template (about 1.1 s); later runs copy it. */
export async function ensureTemplate(binaries: PgBinaries, baseDir: string, runAs = runAsUser()): Promise<string> {
  const dir = templateDir(baseDir, binaries, runAs);
  if (existsSync(path.join(dir, 'PG_VERSION')) && existsSync(path.join(dir, 'global', 'pg_control'))) return dir;
  const build = path.join(baseDir, `${BUILD_PREFIX}${process.pid}-${randomSuffix()}`);
  await makeOwnedDir(build, runAs);
  try {
    const [cmd, args] = command(path.join(binaries.bindir, 'initdb'), ['-D', build, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], runAs);
    try {
      await execFileP(cmd, args, { cwd: baseDir, timeout: 120_000, env: { ...process.env, LC_ALL: 'C' } });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`initdb failed: ${(e.stderr || e.message).trim().split('\n').slice(-3).join(' ')}`);
    }
    try {
      await rename(build, dir);
    } catch {
      // another process won the race: use its template
    }
  } finally {
    await rm(build, { recursive: true, force: true });
  }
  return dir;
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes cluster dirs left by pgsafe processes that are gone (crash, SIGKILL). A dir's name carries its owner's
 * pid; a server still running in a dead owner's dir is stopped first.
 */
export async function sweepStaleClusters(baseDir = defaultBaseDir()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(baseDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(CLUSTER_PREFIX) && !name.startsWith(BUILD_PREFIX)) continue;
    const owner = Number(name.slice(name.startsWith(CLUSTER_PREFIX) ? CLUSTER_PREFIX.length : BUILD_PREFIX.length).split('-')[0]);
    if (pidAlive(owner)) continue;
    const dir = path.join(baseDir, name);
    try {
      const pidText = await readFile(path.join(dir, 'postmaster.pid'), 'utf8');
      const postmaster = Number(pidText.split('\n')[0]);
      if (pidAlive(postmaster)) {
        process.kill(postmaster, 'SIGQUIT');
        for (let i = 0; i < 100 && pidAlive(postmaster); i++) await sleep(20);
      }
    } catch {
      // no pid file
    }
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

const DEFAULT_SETTINGS: Record<string, string> = {
  listen_addresses: '',
  fsync: 'off',
  full_page_writes: 'off',
  synchronous_commit: 'off',
  autovacuum: 'off',
  shared_buffers: '256MB',
  max_wal_size: '4GB',
  checkpoint_timeout: '1h',
  max_connections: '40',
  logging_collector: 'off',
  // Dynamic shared memory as files in the data dir: nothing outlives the dir, even after SIGKILL (posix segments
  // would stay in /dev/shm).
  dynamic_shared_memory_type: 'mmap',
};

/**
 * Starts a throwaway server: copy the cached template (or `fromDir`, a cached seeded cluster) into a fresh dir, start
 * `postgres` directly on a unix socket in that dir, poll-connect every 5 ms. `stop()` (also run on SIGINT/SIGTERM and
 * at exit) kills it and removes the dir.
 */
export async function startCluster(opts: StartClusterOptions & { fromDir?: string }): Promise<LocalCluster> {
  const baseDir = opts.baseDir ?? defaultBaseDir();
  const runAs = runAsUser();
  await sweepStaleClusters(baseDir);
  const source = opts.fromDir ?? (await ensureTemplate(opts.binaries, baseDir, runAs));
  const t0 = performance.now();
  const dir = path.join(baseDir, `${CLUSTER_PREFIX}${process.pid}-${randomSuffix()}`);
  if (Buffer.byteLength(path.join(dir, `.s.PGSQL.${PORT}`)) > 103) {
    throw new Error(`temp dir path too long for a unix socket (${dir}); set PGSAFE_REPLAY_TMPDIR to a shorter directory`);
  }

  let child: ChildProcess | undefined;
  let exited = true;
  const releaseCleanup = registerCleanup(
    () => stopNow(),
    () => {
      if (child?.pid && !exited) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  );

  /** SIGQUIT (immediate shutdown) to throw away, SIGINT (fast shutdown, clean checkpoint) to keep the data. */
  async function halt(signal: 'SIGQUIT' | 'SIGINT'): Promise<void> {
    if (!child || exited) return;
    const c = child;
    const done = new Promise<void>((resolve) => (exited ? resolve() : c.once('exit', () => resolve())));
    c.kill(signal);
    const timer = setTimeout(() => !exited && c.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(timer);
  }

  let stopping: Promise<void> | undefined;
  async function stopNow(): Promise<void> {
    stopping ??= (async () => {
      await halt('SIGQUIT');
      await rm(dir, { recursive: true, force: true });
      releaseCleanup();
    })();
    return stopping;
  }

  const clientConfig = (database = 'postgres'): pg.ClientConfig => ({ host: dir, port: PORT, user: 'postgres', database });

  async function launch(): Promise<void> {
    const settings = { ...DEFAULT_SETTINGS, ...opts.settings, unix_socket_directories: dir, port: String(PORT) };
    const args = ['-D', dir];
    for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
    const [cmd, cmdArgs] = command(path.join(opts.binaries.bindir, 'postgres'), args, runAs);
    const log: string[] = [];
    const c = spawn(cmd, cmdArgs, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    child = c;
    exited = false;
    const keep = (b: Buffer) => {
      log.push(...b.toString().split('\n').filter(Boolean));
      if (log.length > 50) log.splice(0, log.length - 50);
    };
    c.stdout!.on('data', keep);
    c.stderr!.on('data', keep);
    let spawnError: Error | undefined;
    c.once('error', (err) => (spawnError = err));
    c.once('exit', () => {
      if (child === c) exited = true;
    });
    c.unref();
    (c.stdout as unknown as { unref?: () => void }).unref?.();
    (c.stderr as unknown as { unref?: () => void }).unref?.();
    const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
    for (;;) {
      if (spawnError) throw new Error(`cannot start postgres: ${spawnError.message}`);
      if (exited) throw new Error(`postgres exited at start: ${log.filter((l) => /FATAL|ERROR|error/.test(l)).slice(-2).join(' ') || log.slice(-2).join(' ')}`);
      if (existsSync(path.join(dir, `.s.PGSQL.${PORT}`))) {
        const client = new pg.Client(clientConfig());
        client.on('error', () => {});
        try {
          await client.connect();
          await client.query('SELECT 1');
          await client.end();
          return;
        } catch {
          await client.end().catch(() => {});
        }
      }
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within ${opts.startTimeoutMs ?? 30_000} ms: ${log.slice(-2).join(' ')}`);
      await sleep(5);
    }
  }

  try {
    await execFileP('cp', ['-a', source, dir], { timeout: 600_000 });
    await launch();
    return {
      dir,
      get pid() {
        return child!.pid!;
      },
      binaries: opts.binaries,
      startMs: performance.now() - t0,
      clientConfig,
      stop: stopNow,
      async snapshotTo(dest: string) {
        // A clean shutdown, a copy of the stopped cluster, a restart: ~0.3 s plus the copy. After a clean shutdown only
        // the segment holding the shutdown checkpoint is needed: older ones, and the recycled segments renamed ahead
        // of it (about half a cache entry after a big load), are left out.
        if (existsSync(dest)) return; // another run saved this key first
        const c = new pg.Client(clientConfig());
        c.on('error', () => {});
        await c.connect();
        await c.query('CHECKPOINT');
        await c.end();
        await halt('SIGINT');
        const control = (await execFileP(path.join(opts.binaries.bindir, 'pg_controldata'), ['-D', dir], { env: { ...process.env, LC_ALL: 'C' } })).stdout;
        const current = /Latest checkpoint's REDO WAL file:\s*([0-9A-F]{24})/.exec(control)?.[1] ?? '';
        const tmp = `${dest}.tmp-${process.pid}-${randomSuffix()}`;
        try {
          await mkdir(tmp, { mode: 0o700 });
          const top = (await readdir(dir)).filter((n) => n !== 'pg_wal' && n !== 'postmaster.pid');
          if (top.length) await execFileP('cp', ['-a', ...top.map((n) => path.join(dir, n)), tmp], { timeout: 600_000 });
          const wal = await readdir(path.join(dir, 'pg_wal'));
          const keep = wal.filter((n) => !/^[0-9A-F]{24}$/.test(n) || (current ? n === current : true));
          await mkdir(path.join(tmp, 'pg_wal'), { mode: 0o700 });
          if (keep.length) await execFileP('cp', ['-a', ...keep.map((n) => path.join(dir, 'pg_wal', n)), path.join(tmp, 'pg_wal')], { timeout: 600_000 });
          if (runAs) {
            await chown(tmp, runAs.uid, runAs.gid);
            await chown(path.join(tmp, 'pg_wal'), runAs.uid, runAs.gid);
          }
          // Two runs with the same key: the first rename wins; the loser's copy is dropped, not an error.
          await rename(tmp, dest).catch((err: NodeJS.ErrnoException) => {
            if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
          });
        } finally {
          await rm(tmp, { recursive: true, force: true });
          await launch();
        }
      },
    };
  } catch (err) {
    await stopNow();
    throw err;
  }
}

/** For tests: cluster dirs currently present under `baseDir`. */
export async function listClusterDirs(baseDir = defaultBaseDir()): Promise<string[]> {
  try {
    return (await readdir(baseDir)).filter((n) => n.startsWith(CLUSTER_PREFIX) || n.startsWith(BUILD_PREFIX)).map((n) => path.join(baseDir, n));
  } catch {
    return [];
  }
}

export async function dirExists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
