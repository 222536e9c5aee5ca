// Issue 10's disagreement classes, one statement each, in the shape of a `LockFact` (src/analysis/lock-table.ts):
// what Postgres really does (locks per relation role, cost), which the lock table does not say yet. The oracle test
// (oracle.test.ts) runs each on a real server and expects the model to DISAGREE; fixing a class means a row (or a
// row condition) in LOCK_TABLE whose example shows it, and removing the case here.
// Facts from ../shared/notes/postgres-facts.md and issue 10's classes, as PG 15 behaves.
import type { Cost, LockMode } from '../../src/analysis/locks.js';
import type { RelationRole } from '../../src/analysis/types.js';

export interface PendingCase {
  id: string;
  /** The issue-10 class and what the server does that the model does not say. */
  why: string;
  locks: { role: RelationRole; mode: LockMode }[];
  cost: Cost;
  example: { setup?: string; sql: string };
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

export const PENDING: readonly PendingCase[] = [
  { id: 'drop-function-cascade-triggers', why: 'class 2: CASCADE drops the triggers: ACCESS EXCLUSIVE on their tables', locks: [{ role: 'dependent', mode: AEL }, { role: 'dependent', mode: AEL }], cost: 'catalog', example: { setup: BASE + TRIGGER, sql: 'DROP FUNCTION touch() CASCADE' } },
  { id: 'alter-partitioned-locks-partitions', why: 'class 3: ALTER TABLE on a partitioned table locks every partition', locks: [target(AEL), { role: 'partition', mode: AEL }], cost: 'catalog', example: { setup: PARTITIONED, sql: 'ALTER TABLE events ADD COLUMN note text' } },
  { id: 'timestamp-to-timestamptz-utc', why: 'class 4: without SET timezone in the file pgsafe cannot know the server\'s TimeZone (the oracle\'s is UTC, so no rewrite); with it, row alter-column-type-timestamptz-utc', locks: [target(AEL)], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE users ALTER COLUMN created TYPE timestamptz' } },
  { id: 'set-not-null-already', why: 'class 5: SET NOT NULL on a NOT NULL column scans nothing', locks: [target(AEL)], cost: 'catalog', example: { setup: BASE, sql: 'ALTER TABLE users ALTER COLUMN id SET NOT NULL' } },
  { id: 'drop-trigger-if-exists-missing', why: 'class 9: DROP TRIGGER IF EXISTS on a missing trigger takes no lock', locks: [], cost: 'catalog', example: { setup: BASE, sql: 'DROP TRIGGER IF EXISTS nope ON users' } },
];
