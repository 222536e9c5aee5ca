import { findLocalBinaries } from './dist/src/replay/binaries.js';
import { startCluster } from './dist/src/replay/cluster.js';
import { seedDatabase } from './dist/src/replay/seed.js';
import pg from 'pg';
const c = await startCluster({ binaries: await findLocalBinaries() });
try {
  const cl = new pg.Client(c.clientConfig()); await cl.connect();
  await cl.query(`CREATE TYPE mood AS ENUM ('sad','ok','happy');
  CREATE TABLE parent (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
  CREATE TABLE big (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, parent_id int NOT NULL REFERENCES parent(id), a int, b varchar(10), c timestamptz, d text, m mood, n numeric(10,2), u uuid, j jsonb, tags text[], CHECK (a > 0));
  CREATE INDEX big_a ON big(a);
  CREATE TABLE tree (id int PRIMARY KEY, parent int REFERENCES tree(id), x int CHECK (x < 0));`);
  const r = await seedDatabase(cl, { rows: Number(process.argv[2] ?? 1000000), rowsFor: { parent: 1000 }, superuser: true });
  console.log(JSON.stringify(r, null, 1));
  console.log('rows/s load', (r.totalRows / r.loadMs * 1000).toFixed(0), 'incl idx', (r.totalRows / (r.loadMs + r.indexMs) * 1000).toFixed(0));
  console.log((await cl.query(`select * from big order by id desc limit 2`)).rows);
  console.log((await cl.query(`select conname, convalidated from pg_constraint where contype in ('c','f')`)).rows);
  await cl.end();
} finally { await c.stop(); }
