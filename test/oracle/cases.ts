// Lock-table rows checked against the server, in the shape of `LockFact` (CONTRACTS.md "The lock table"):
// the locks per relation role and the cost Postgres really has, and an example that shows it.
// Until src/analysis/lock-table.ts lands in main this local list stands in for LOCK_TABLE (see oracle.test.ts).
// Facts from ../shared/notes/postgres-facts.md and issue 10's disagreement classes, as PG 15 behaves.
import type { Cost, LockMode } from '../../src/analysis/locks.js';
import type { RelationRole } from '../../src/analysis/types.js';

export interface OracleCase {
  id: string;
  pg?: { min?: number; max?: number };
  locks: { role: RelationRole; mode: LockMode }[];
  cost: Cost;
  /** `minPg`: the oldest server that accepts it; `skip`: why no server can run it as written. */
  example: { setup?: string; sql: string; minPg?: number; skip?: string };
}

const AEL: LockMode = 'AccessExclusiveLock';
const SUEL: LockMode = 'ShareUpdateExclusiveLock';
const SREL: LockMode = 'ShareRowExclusiveLock';

const BASE = `
CREATE TABLE users (id bigint PRIMARY KEY, email varchar(50), age int, name text, created timestamp);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id), total int, note text);
CREATE INDEX users_email_idx ON users (email);
`;
const PARTITIONED = `
CREATE TABLE events (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 (id int, at date NOT NULL);
`;
const TRIGGER = `
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
`;
const target = (mode: LockMode) => ({ role: 'target' as const, mode });

export const CASES: readonly OracleCase[] = [
  // postgres-facts.md, "Locks observed per statement"
  { id: 'add-column-constant-default', locks: [target(AEL)], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE users ADD COLUMN e int DEFAULT 0' } },
  { id: 'add-column-volatile-default', locks: [target(AEL)], cost: 'rewrite', example: { setup: BASE, sql: 'ALTER TABLE users ADD COLUMN f float8 DEFAULT random()' } },
  { id: 'alter-type-rewrite', locks: [target(AEL)], cost: 'rewrite', example: { setup: BASE, sql: 'ALTER TABLE users ALTER COLUMN age TYPE bigint' } },
  { id: 'alter-type-widen-varchar', locks: [target(AEL)], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE users ALTER COLUMN email TYPE varchar(100)' } },
  { id: 'set-not-null', locks: [target(AEL)], cost: 'scan', example: { setup: BASE, sql: 'ALTER TABLE users ALTER COLUMN name SET NOT NULL' } },
  { id: 'add-foreign-key', locks: [target(SREL), { role: 'referenced', mode: SREL }], cost: 'scan', example: { setup: BASE, sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)' } },
  { id: 'add-foreign-key-not-valid', locks: [target(SREL), { role: 'referenced', mode: SREL }], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID' } },
  { id: 'validate-foreign-key', locks: [target(SUEL), { role: 'referenced', mode: 'RowShareLock' }], cost: 'scan', example: { setup: BASE + 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;', sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk' } },
  { id: 'drop-foreign-key', locks: [target(AEL), { role: 'referenced', mode: AEL }], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey' } },
  { id: 'create-index', locks: [target('ShareLock')], cost: 'index-build', example: { setup: BASE, sql: 'CREATE INDEX users_age_idx ON users (age)' } },
  { id: 'create-index-concurrently', locks: [target(SUEL)], cost: 'index-build', example: { setup: BASE, sql: 'CREATE INDEX CONCURRENTLY users_age_idx ON users (age)' } },
  { id: 'add-check-not-valid', locks: [target(AEL)], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0) NOT VALID' } },
  { id: 'validate-check', locks: [target(SUEL)], cost: 'scan', example: { setup: BASE + 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total > 0) NOT VALID;', sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check' } },
  { id: 'drop-column', locks: [target(AEL)], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE users DROP COLUMN name' } },
  { id: 'rename-column', locks: [target(AEL)], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE users RENAME COLUMN name TO full_name' } },
  { id: 'rename-table', locks: [target(AEL)], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE users RENAME TO members' } },
  { id: 'primary-key-using-index', locks: [target(AEL)], cost: 'catalog', example: { setup: 'CREATE TABLE tags (id int NOT NULL, name text); CREATE UNIQUE INDEX tags_id_idx ON tags (id);', sql: 'ALTER TABLE tags ADD CONSTRAINT tags_pkey PRIMARY KEY USING INDEX tags_id_idx' } },
  // More rows of the model
  { id: 'drop-index', locks: [target(AEL)], cost: 'catalog', example: { setup: BASE, sql: 'DROP INDEX users_email_idx' } },
  { id: 'truncate', locks: [target(AEL)], cost: 'catalog', example: { setup: 'CREATE TABLE logs (id int, line text);', sql: 'TRUNCATE logs' } },
  { id: 'create-table-referencing', locks: [{ role: 'referenced', mode: SREL }], cost: 'catalog', example: { setup: BASE, sql: 'CREATE TABLE items (id int PRIMARY KEY, order_id bigint REFERENCES orders (id))' } },
  { id: 'create-trigger', locks: [target(SREL)], cost: 'catalog', example: { setup: BASE + TRIGGER.split('\n').slice(0, 2).join('\n'), sql: 'CREATE TRIGGER users_touch2 BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()' } },
  { id: 'lock-table-share', locks: [target('ShareLock')], cost: 'none', example: { setup: BASE, sql: 'LOCK TABLE users IN SHARE MODE' } },
  { id: 'insert', locks: [target('RowExclusiveLock')], cost: 'none', example: { setup: BASE, sql: 'INSERT INTO users (id, email) VALUES (1000, \'a@example.com\')' } },
  { id: 'set-fillfactor', locks: [target(SUEL)], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE users SET (fillfactor = 70)' } },
  { id: 'cluster', locks: [target(AEL)], cost: 'rewrite', example: { setup: BASE, sql: 'CLUSTER users USING users_pkey' } },
  { id: 'vacuum-full', locks: [target(AEL)], cost: 'rewrite', example: { setup: BASE, sql: 'VACUUM FULL users' } },
  // The partition's rows are checked against the bound (the seeded ids are small, so they fit).
  { id: 'attach-partition', locks: [target(SUEL), { role: 'partition', mode: AEL }], cost: 'scan', example: { setup: 'CREATE TABLE events (id int NOT NULL, at date) PARTITION BY RANGE (id); CREATE TABLE events_low (id int NOT NULL, at date);', sql: 'ALTER TABLE events ATTACH PARTITION events_low FOR VALUES FROM (0) TO (1000000)' } },
  // Issue 10's classes: what the server does, which the model does not (yet) say. See KNOWN_DISAGREEMENTS.
  { id: 'drop-table-referencing', locks: [target(AEL), { role: 'referenced', mode: AEL }], cost: 'catalog', example: { setup: BASE, sql: 'DROP TABLE orders' } },
  { id: 'drop-table-cascade-referenced', locks: [target(AEL), { role: 'referencing', mode: AEL }], cost: 'catalog', example: { setup: BASE, sql: 'DROP TABLE users CASCADE' } },
  { id: 'drop-column-foreign-key', locks: [target(AEL), { role: 'referenced', mode: AEL }], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE orders DROP COLUMN user_id' } },
  { id: 'alter-type-foreign-key', locks: [target(AEL), { role: 'referenced', mode: AEL }], cost: 'rewrite', example: { setup: BASE, sql: 'ALTER TABLE orders ALTER COLUMN user_id TYPE int' } },
  { id: 'drop-function-cascade-triggers', locks: [{ role: 'dependent', mode: AEL }, { role: 'dependent', mode: AEL }], cost: 'catalog', example: { setup: BASE + TRIGGER, sql: 'DROP FUNCTION touch() CASCADE' } },
  { id: 'alter-partitioned-locks-partitions', locks: [target(AEL), { role: 'partition', mode: AEL }], cost: 'catalog', example: { setup: PARTITIONED, sql: 'ALTER TABLE events ADD COLUMN note text' } },
  { id: 'timestamp-to-timestamptz-utc', locks: [target(AEL)], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE users ALTER COLUMN created TYPE timestamptz' } },
  { id: 'add-column-references-no-default', locks: [target(AEL), { role: 'referenced', mode: SREL }], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id)' } },
  { id: 'set-not-null-already', locks: [target(AEL)], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE users ALTER COLUMN id SET NOT NULL' } },
  { id: 'create-index-if-not-exists-existing', locks: [target('ShareLock')], cost: 'catalog', example: { setup: BASE, sql: 'CREATE INDEX IF NOT EXISTS users_email_idx ON users (email)' } },
  { id: 'create-table-as-scans', locks: [{ role: 'read', mode: 'AccessShareLock' }], cost: 'scan', example: { setup: BASE, sql: 'CREATE TABLE users_copy AS SELECT * FROM users' } },
  { id: 'add-column-default-check-scans', locks: [target(AEL)], cost: 'scan', example: { setup: BASE, sql: 'ALTER TABLE orders ADD COLUMN qty int DEFAULT 1 CHECK (qty > 0)' } },
  { id: 'reindex-table-locks-indexes', locks: [target('ShareLock'), { role: 'index', mode: AEL }, { role: 'index', mode: AEL }], cost: 'index-build', example: { setup: BASE, sql: 'REINDEX TABLE users' } },
  { id: 'alter-index-rename', locks: [{ role: 'index', mode: SUEL }], cost: 'catalog', example: { setup: BASE, sql: 'ALTER INDEX users_email_idx RENAME TO users_email_key' } },
  { id: 'drop-trigger-if-exists-missing', locks: [], cost: 'catalog', example: { setup: BASE, sql: 'DROP TRIGGER IF EXISTS nope ON users' } },
  { id: 'writable-cte', locks: [target('RowExclusiveLock')], cost: 'none', example: { setup: BASE, sql: 'WITH u AS (UPDATE orders SET total = 1 WHERE id = 1 RETURNING id) SELECT id FROM u' } },
  { id: 'update-from-reads', locks: [target('RowExclusiveLock'), { role: 'read', mode: 'AccessShareLock' }], cost: 'none', example: { setup: BASE, sql: 'UPDATE orders SET total = 1 FROM users WHERE users.id = orders.user_id' } },
];

/**
 * Cases where today's model and the server disagree (issue 10's classes), with why. The oracle test expects each
 * of them to DISAGREE and fails once one agrees, so a fix to the model must remove it from this list.
 */
export const KNOWN_DISAGREEMENTS: Readonly<Record<string, string>> = {
  'drop-table-referencing': 'class 1: dropping the FK with its table takes ACCESS EXCLUSIVE on the referenced table',
  'drop-table-cascade-referenced': 'class 1/2: CASCADE drops the referencing FK: ACCESS EXCLUSIVE on the referencing table',
  'drop-column-foreign-key': 'class 1: dropping an FK column takes ACCESS EXCLUSIVE on the referenced table',
  'alter-type-foreign-key': 'class 1: the FK is rebuilt: locks on the referenced table',
  'drop-function-cascade-triggers': 'class 2: CASCADE drops the triggers: ACCESS EXCLUSIVE on their tables',
  'alter-partitioned-locks-partitions': 'class 3: ALTER TABLE on a partitioned table locks every partition',
  'timestamp-to-timestamptz-utc': 'class 4: timestamp → timestamptz is not a rewrite when TimeZone is UTC (PG 12+)',
  'add-column-references-no-default': 'class 5: a new all-NULL FK column has nothing to validate: no scan',
  'set-not-null-already': 'class 5: SET NOT NULL on a NOT NULL column scans nothing',
  'create-index-if-not-exists-existing': 'class 5: IF NOT EXISTS on an existing index builds nothing',
  'create-table-as-scans': 'class 6: CREATE TABLE … AS runs its query',
  'add-column-default-check-scans': 'class 6: ADD COLUMN with an inline CHECK scans every row',
  'reindex-table-locks-indexes': 'class 7: REINDEX TABLE takes ACCESS EXCLUSIVE on each index',
  'alter-index-rename': 'class 9: ALTER INDEX … RENAME locks the index only, not its table',
  'drop-trigger-if-exists-missing': 'class 9: DROP TRIGGER IF EXISTS on a missing trigger takes no lock',
  'writable-cte': 'class 7: a writable CTE takes ROW EXCLUSIVE, not ACCESS SHARE',
  'update-from-reads': 'class 8: UPDATE … FROM reads the other table',
};
