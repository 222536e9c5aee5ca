// Prisma sends migration.sql as one simple-query string: one statement runs in autocommit, two or more in Postgres's
// implicit transaction block. Checked on a real server, then in the preset.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { prepareText } from '../../src/config/prepare.js';
import { lint } from '../../src/engine/engine.js';
import { initParser } from '../../src/source/index.js';
import { startCluster, type LocalCluster } from '../../src/replay/cluster.js';
import { BINARIES } from '../replay/helpers.js';

const LONE = '-- CreateIndex\nCREATE INDEX CONCURRENTLY "users_email_idx" ON "users"("email");\n';
const TWO = 'ALTER TABLE "users" ADD COLUMN "name" TEXT;\n\n-- CreateIndex\nCREATE INDEX CONCURRENTLY "users_email_idx" ON "users"("email");\n';

describe('Postgres runs a query string as Prisma sends it', () => {
  let cluster: LocalCluster;
  let client: pg.Client;
  beforeAll(async () => {
    cluster = await startCluster({ binaries: BINARIES });
    client = new pg.Client(cluster.clientConfig());
    await client.connect();
  }, 120_000);
  afterAll(async () => {
    await client?.end();
    await cluster?.stop();
  });
  const fresh = () => client.query('DROP TABLE IF EXISTS users; CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL); INSERT INTO users (email) SELECT g::text FROM generate_series(1, 1000) g;');

  it('a lone CREATE INDEX CONCURRENTLY succeeds (autocommit)', async () => {
    await fresh();
    await client.query(LONE);
    expect((await client.query("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass")).rows).toEqual([{ indisvalid: true }]);
  });
  it('with another statement it runs in the implicit block and fails', async () => {
    await fresh();
    await expect(client.query(TWO)).rejects.toThrow(/cannot run inside a transaction block/);
  });
});

describe('the prisma preset applies the implicit-block rule', () => {
  beforeAll(() => initParser());
  const findings = async (text: string) => {
    const prepared = prepareText('prisma/migrations/1_x/migration.sql', text, { rules: {}, framework: 'prisma', placeholders: {} });
    const [res] = await lint([{ path: 'migration.sql', text: prepared.text, fileOptions: prepared.fileOptions }], { rules, pgVersion: 15, assumeInTransaction: false });
    return res.findings.filter((f) => f.rule === 'ban-concurrent-index-creation-in-transaction');
  };
  it('a lone CREATE INDEX CONCURRENTLY is fine', async () => {
    expect(await findings(LONE)).toEqual([]);
  });
  it('two statements: the CONCURRENTLY one is reported, with Prisma\'s way out', async () => {
    const [f] = await findings(TWO);
    expect(f).toMatchObject({ line: 4, column: 1 });
    expect(f.help).toContain('Prisma Migrate');
  });
});
