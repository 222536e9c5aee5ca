// `pgsafe stats`: a read-only snapshot of production's shape; `pgsafe stats calibrate`: fit the
// cost model on a scratch database. Also the `lint --stats` option plumbing.
import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { LoadedConfig } from '../config/types.js';
import { annotateResults, type AnnotateOptions } from '../stats/annotate.js';
import { parseDuration } from '../stats/format.js';
import { statsOptions } from '../stats/options.js';
import { readSnapshot, SnapshotError, SNAPSHOT_VERSION, type StatsSnapshot } from '../stats/snapshot.js';
import type { FileResult } from '../engine/engine.js';
import { UsageError } from '../project/index.js';

interface StatsCliOptions {
  databaseUrl?: string;
  output: string;
  sample: string;
  sizes: string;
}

interface Out {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export function registerStatsCommand(program: Command, io: Out = process): void {
  program
    .command('stats')
    .description('snapshot table sizes and traffic (read-only, safe on production) for `lint --stats`; `stats calibrate` fits the cost model on a scratch database')
    .argument('[mode]', '"calibrate": time index builds, rewrites and scans on synthetic tables in a scratch database and store the fitted model in the snapshot')
    .option('--database-url <url>', 'postgres://… of the database (default: $DATABASE_URL); for calibrate, a scratch database')
    .option('-o, --output <file>', 'snapshot file (- for stdout)', 'pgsafe-stats.json')
    .option('--sample <duration>', 'how long to sample pg_stat_user_tables for reads and writes per second (0: no traffic)', '10s')
    .option('--sizes <rows>', 'calibrate: comma-separated table sizes in rows', '100000,1000000')
    .action(async (mode: string | undefined, o: StatsCliOptions) => {
      if (mode !== undefined && mode !== 'calibrate') throw new UsageError(`stats: unknown mode "${mode}" (only "calibrate")`);
      const url = o.databaseUrl ?? process.env.DATABASE_URL;
      if (!url) throw new UsageError('stats: --database-url is required (or set DATABASE_URL)');
      const snapshot = mode === 'calibrate' ? await runCalibrate(url, o, io) : await runSnapshot(url, o);
      const text = JSON.stringify(snapshot, null, 2) + '\n';
      if (o.output === '-') io.stdout.write(text);
      else {
        try {
          writeFileSync(o.output, text);
        } catch (err) {
          throw new UsageError(`stats: cannot write ${o.output}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        const n = snapshot.tables.length;
        io.stderr.write(`pgsafe: wrote ${o.output} (${n} table${n === 1 ? '' : 's'}${snapshot.model ? `, ${snapshot.model.source} model` : ''})\n`);
      }
    });
}

async function runSnapshot(url: string, o: StatsCliOptions): Promise<StatsSnapshot> {
  const sampleMs = parseDuration(o.sample);
  if (sampleMs === undefined || sampleMs > 600_000) throw new UsageError(`--sample: expected a duration up to 10m such as 10s, got "${o.sample}"`);
  const { openSession, maskUrl, StatsConnectError } = await import('../stats/connect.js');
  const { collectSnapshot } = await import('../stats/collect.js');
  let client;
  try {
    client = await openSession(url);
    return await collectSnapshot(client, { sampleMs });
  } catch (err) {
    if (err instanceof StatsConnectError) throw new UsageError(`stats: ${err.message}`);
    throw new UsageError(`stats: ${maskUrl((err as Error).message ?? String(err), url)}`);
  } finally {
    await client?.end().catch(() => {});
  }
}

async function runCalibrate(url: string, o: StatsCliOptions, io: Out): Promise<StatsSnapshot> {
  const sizes = o.sizes.split(',').map((s) => Number(s.trim()));
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1000 || n > 100_000_000) || new Set(sizes).size < 2) {
    throw new UsageError(`--sizes: expected at least two different row counts between 1000 and 100000000, got "${o.sizes}"`);
  }
  const { openSession, maskUrl, StatsConnectError } = await import('../stats/connect.js');
  const { calibrate } = await import('../stats/calibrate.js');
  // The model goes into the existing snapshot when there is one.
  let snapshot: StatsSnapshot | undefined;
  if (o.output !== '-' && existsSync(o.output)) {
    try {
      snapshot = readSnapshot(o.output);
    } catch (err) {
      throw new UsageError(`stats calibrate: ${(err as Error).message}`);
    }
  }
  let client;
  try {
    client = await openSession(url, { readWrite: true, statementTimeoutMs: 0, lockTimeoutMs: 5000 });
    const { model } = await calibrate(client, sizes, 2, (m) => io.stderr.write(`pgsafe: ${m.probe} at ${m.rows} rows: ${m.ms.toFixed(1)} ms\n`));
    const server = (await client.query(`SELECT current_setting('server_version') AS v, current_setting('server_version_num')::int AS n, current_setting('max_connections')::int AS mc`)).rows[0];
    snapshot ??= { pgsafeStats: SNAPSHOT_VERSION, takenAt: new Date().toISOString(), server: { version: String(server.v).split(' ')[0], major: Math.floor(server.n / 10000), maxConnections: server.mc }, sampleSeconds: 0, tables: [] };
    return { ...snapshot, model };
  } catch (err) {
    if (err instanceof StatsConnectError) throw new UsageError(`stats calibrate: ${err.message}`);
    throw new UsageError(`stats calibrate: ${maskUrl((err as Error).message ?? String(err), url)}`);
  } finally {
    await client?.end().catch(() => {});
  }
}

/** `lint --stats` / config `stats`: what the annotation pass needs, or undefined without a snapshot. */
export function statsOption(flag: { stats?: string; statsThreshold?: string }, config: LoadedConfig | undefined, cwd = process.cwd()): AnnotateOptions | undefined {
  try {
    return statsOptions(flag, config, cwd);
  } catch (err) {
    if (err instanceof SnapshotError) throw new UsageError(err.message);
    throw err;
  }
}

export function withStats(results: FileResult[], stats: AnnotateOptions | undefined): FileResult[] {
  return stats ? annotateResults(results, stats) : results;
}
