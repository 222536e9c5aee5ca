// The lock table: for each action kind, under which condition and from which Postgres major, the
// lock on each relation role and the cost. classify.ts extracts the facts; `applyLockFact` looks
// the first matching row up. A Postgres behaviour change is one row here and one test row.
// Sources: https://www.postgresql.org/docs/current/explicit-locking.html and each command's page;
// rows checked against a real PG 15 in ../shared/notes/postgres-facts.md. Rendered into docs/locks.md.
import type { ActionKind, ActionOf, RelatedLock, RelationRole } from './actions.js';
import { LOCK_MODES, lockSqlName, type Cost, type LockMode } from './locks.js';

export interface LockFact {
  id: string;
  action: ActionKind;
  /** The condition in words (docs); `test` is the same condition over the action's facts. */
  when?: string;
  test?: (a: ActionOf<ActionKind>) => boolean;
  /** Postgres majors the row holds for (inclusive). */
  pg?: { min?: number; max?: number };
  locks: readonly { role: RelationRole; mode: LockMode }[];
  cost: Cost;
  /** Why the cost, for messages; a function when it names the user's objects. */
  reason?: string | ((a: ActionOf<ActionKind>) => string | undefined);
  /** Postgres refuses to run it inside a transaction block (on the versions of `pg`). */
  noTransaction?: boolean;
  manual: string;
  /**
   * `setup` creates the tables the example needs (the oracle adds rows); `sql` is the statement. `minPg`: the
   * oldest server that accepts it; `skip`: why a server cannot run it as written (the oracle skips those).
   */
  example: { setup?: string; sql: string; minPg?: number; skip?: string };
}

interface Row<K extends ActionKind> extends Omit<LockFact, 'action' | 'test' | 'reason'> {
  action: K;
  test?: (a: ActionOf<K>) => boolean;
  reason?: string | ((a: ActionOf<K>) => string | undefined);
}

/** Type-checks a row's condition against its action's facts. */
function row<K extends ActionKind>(r: Row<K>): LockFact {
  return r as unknown as LockFact;
}

const AEL = 'AccessExclusiveLock';
const SUEL = 'ShareUpdateExclusiveLock';
const SRE = 'ShareRowExclusiveLock';
const target = (mode: LockMode) => [{ role: 'target' as const, mode }];
const NONE: LockFact['locks'] = [];

/** A foreign key dropped or rebuilt takes ACCESS EXCLUSIVE on the tables on both of its sides. */
const FK_BOTH_SIDES: LockFact['locks'] = [{ role: 'target', mode: AEL }, { role: 'referenced', mode: AEL }, { role: 'referencing', mode: AEL }];
/** What a dropped table takes with it: its foreign keys (both sides) and its partitions. */
const DROPPED_WITH: LockFact['locks'] = [...FK_BOTH_SIDES, { role: 'partition', mode: AEL }];

/** INSERT/UPDATE: ROW EXCLUSIVE on the table; a foreign key check takes ROW SHARE on the referenced table. */
const DML_LOCKS: LockFact['locks'] = [{ role: 'target', mode: 'RowExclusiveLock' }, { role: 'referenced', mode: 'RowShareLock' }];

const DOCS = 'https://www.postgresql.org/docs/current';
const ALTER_TABLE = `${DOCS}/sql-altertable.html`;
const LOCKING = `${DOCS}/explicit-locking.html#LOCKING-TABLES`;

/** Two tables with rows: `users` and `orders` referencing it, and an index on users.email. */
const SETUP = `CREATE TABLE users (id bigint PRIMARY KEY, email varchar(50), age int, name text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id), total numeric(10,2), created timestamp);
CREATE INDEX users_email_idx ON users (email);`;
const PARTITIONED = `CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2024 (id bigint, at date);`;
/** Partitioned by id, with a partition to attach whose (seeded, small) ids fall inside the bound. */
const PARTITIONED_BY_ID = `CREATE TABLE events (id bigint NOT NULL, at date) PARTITION BY RANGE (id);
CREATE TABLE events_low (id bigint NOT NULL, at date);`;
const MATVIEW = `${SETUP}\nCREATE MATERIALIZED VIEW user_ages AS SELECT id, age FROM users;\nCREATE UNIQUE INDEX user_ages_id ON user_ages (id);`;

/** ALTER TABLE subcommands that take SHARE UPDATE EXCLUSIVE (the manual lists them per form). */
const SUEL_SUBCOMMANDS = new Set(['SetStatistics', 'ClusterOn', 'DropCluster', 'SetOptions', 'ResetOptions']);
const TRIGGER_SUBCOMMANDS = new Set(['EnableTrig', 'DisableTrig', 'EnableAlwaysTrig', 'EnableReplicaTrig', 'EnableTrigAll', 'DisableTrigAll', 'EnableTrigUser', 'DisableTrigUser']);
const REWRITE_SUBCOMMANDS = new Set(['SetExpression', 'SetAccessMethod']);
/** Storage parameters ALTER TABLE … SET (…) changes under SHARE UPDATE EXCLUSIVE. */
const LIGHT_OPTION = /^(fillfactor|autovacuum_|toast\.|toast_tuple_target|parallel_workers|vacuum_|log_autovacuum)/;

export const LOCK_TABLE: readonly LockFact[] = [
  // CREATE
  row({ id: 'create-table-partition-of', action: 'create-table', when: 'PARTITION OF a parent', test: (a) => !!a.partitionOf, locks: [{ role: 'parent', mode: AEL }, { role: 'referenced', mode: SRE }], cost: 'catalog', manual: `${DOCS}/sql-createtable.html`, example: { setup: PARTITIONED, sql: "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" } }),
  row({ id: 'create-table', action: 'create-table', when: 'a foreign key or INHERITS', locks: [{ role: 'referenced', mode: SRE }, { role: 'parent', mode: SUEL }], cost: 'catalog', manual: `${DOCS}/sql-createtable.html`, example: { setup: SETUP, sql: 'CREATE TABLE items (id int PRIMARY KEY, user_id bigint REFERENCES users (id))' } }),
  row({ id: 'create-table-as', action: 'create-table-as', when: 'the new table (the tables its query reads: row select-fills)', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-createtableas.html`, example: { setup: SETUP, sql: 'CREATE TABLE adults AS SELECT 1 AS one' } }),
  row({ id: 'create-matview', action: 'create-matview', when: 'the new view (the tables its query reads: row select-fills)', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-creatematerializedview.html`, example: { setup: SETUP, sql: 'CREATE MATERIALIZED VIEW adults AS SELECT * FROM users WHERE age >= 18 WITH NO DATA' } }),
  row({ id: 'create-view-replace', action: 'create-view', when: 'OR REPLACE', test: (a) => a.replace, locks: target(AEL), cost: 'catalog', manual: `${DOCS}/sql-createview.html`, example: { setup: `${SETUP}\nCREATE VIEW adults AS SELECT id FROM users WHERE age >= 18;`, sql: 'CREATE OR REPLACE VIEW adults AS SELECT id, email FROM users WHERE age >= 18' } }),
  row({ id: 'create-view', action: 'create-view', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-createview.html`, example: { setup: SETUP, sql: 'CREATE VIEW adults AS SELECT * FROM users WHERE age >= 18' } }),
  row({ id: 'create-index-concurrently', action: 'create-index', when: 'CONCURRENTLY', test: (a) => !!a.concurrently, locks: target(SUEL), cost: 'index-build', noTransaction: true, manual: `${DOCS}/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY`, example: { setup: SETUP, sql: 'CREATE INDEX CONCURRENTLY users_age_idx ON users (age)' } }),
  row({ id: 'create-index-exists', action: 'create-index', when: 'IF NOT EXISTS, and the index exists (nothing is built; SHARE is still taken)', test: (a) => !!a.exists && !a.concurrently, locks: target('ShareLock'), cost: 'catalog', reason: 'the index already exists', manual: `${DOCS}/sql-createindex.html`, example: { setup: SETUP, sql: 'CREATE INDEX IF NOT EXISTS users_email_idx ON users (email)' } }),
  row({ id: 'create-index', action: 'create-index', locks: target('ShareLock'), cost: 'index-build', manual: `${DOCS}/sql-createindex.html`, example: { setup: SETUP, sql: 'CREATE INDEX users_age_idx ON users (age)' } }),
  row({ id: 'create-trigger', action: 'create-trigger', locks: target(SRE), cost: 'catalog', manual: `${DOCS}/sql-createtrigger.html`, example: { setup: `${SETUP}\nCREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;`, sql: 'CREATE TRIGGER users_noop BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION noop()' } }),
  row({ id: 'create-policy', action: 'create-policy', locks: target(AEL), cost: 'catalog', manual: `${DOCS}/sql-createpolicy.html`, example: { setup: SETUP, sql: 'CREATE POLICY own_rows ON users USING (true)' } }),
  row({ id: 'create-rule', action: 'create-rule', locks: target(AEL), cost: 'catalog', manual: `${DOCS}/sql-createrule.html`, example: { setup: SETUP, sql: 'CREATE RULE no_delete AS ON DELETE TO orders DO INSTEAD NOTHING' } }),
  row({ id: 'create-statistics', action: 'catalog', when: 'CREATE STATISTICS', test: (a) => a.object === 'statistics', locks: target(SUEL), cost: 'catalog', manual: `${DOCS}/sql-createstatistics.html`, example: { setup: SETUP, sql: 'CREATE STATISTICS users_stats ON age, email FROM users' } }),
  row({ id: 'create-type', action: 'create-type', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-createtype.html`, example: { sql: "CREATE TYPE mood AS ENUM ('sad', 'ok')" } }),
  row({ id: 'create-domain', action: 'create-domain', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-createdomain.html`, example: { sql: 'CREATE DOMAIN posint AS int CHECK (VALUE > 0)' } }),
  row({ id: 'create-function', action: 'create-function', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-createfunction.html`, example: { sql: 'CREATE FUNCTION one() RETURNS int LANGUAGE sql AS $$SELECT 1$$' } }),
  row({ id: 'create-extension', action: 'create-extension', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-createextension.html`, example: { sql: 'CREATE EXTENSION IF NOT EXISTS plpgsql' } }),
  row({ id: 'create-schema', action: 'create-schema', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-createschema.html`, example: { sql: 'CREATE SCHEMA app' } }),
  row({ id: 'create-sequence', action: 'create-sequence', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-createsequence.html`, example: { sql: 'CREATE SEQUENCE order_numbers' } }),
  row({ id: 'alter-sequence', action: 'alter-sequence', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-altersequence.html`, example: { setup: 'CREATE SEQUENCE order_numbers;', sql: 'ALTER SEQUENCE order_numbers RESTART WITH 100' } }),
  row({ id: 'create-database', action: 'create-database', locks: NONE, cost: 'catalog', noTransaction: true, manual: `${DOCS}/sql-createdatabase.html`, example: { sql: 'CREATE DATABASE scratch' } }),
  row({ id: 'drop-database', action: 'drop-database', locks: NONE, cost: 'catalog', noTransaction: true, manual: `${DOCS}/sql-dropdatabase.html`, example: { sql: 'DROP DATABASE IF EXISTS scratch' } }),

  // DROP
  row({ id: 'drop-table-cascade', action: 'drop-table', when: 'CASCADE: also the tables whose foreign keys reference it (their FKs are dropped)', test: (a) => !!a.cascade, locks: DROPPED_WITH, cost: 'catalog', manual: `${DOCS}/sql-droptable.html`, example: { setup: SETUP, sql: 'DROP TABLE users CASCADE' } }),
  row({ id: 'drop-table', action: 'drop-table', when: 'also the tables its foreign keys reference, and its partitions', locks: DROPPED_WITH, cost: 'catalog', manual: `${DOCS}/sql-droptable.html`, example: { setup: SETUP, sql: 'DROP TABLE orders' } }),
  row({ id: 'drop-view', action: 'drop-view', locks: target(AEL), cost: 'catalog', manual: `${DOCS}/sql-dropview.html`, example: { setup: `${SETUP}\nCREATE VIEW adults AS SELECT * FROM users WHERE age >= 18;`, sql: 'DROP VIEW adults' } }),
  row({ id: 'drop-index-concurrently', action: 'drop-index', when: 'CONCURRENTLY', test: (a) => !!a.concurrently, locks: target(SUEL), cost: 'catalog', noTransaction: true, manual: `${DOCS}/sql-dropindex.html`, example: { setup: SETUP, sql: 'DROP INDEX CONCURRENTLY users_email_idx' } }),
  row({ id: 'drop-index', action: 'drop-index', locks: target(AEL), cost: 'catalog', manual: `${DOCS}/sql-dropindex.html`, example: { setup: SETUP, sql: 'DROP INDEX users_email_idx' } }),
  row({ id: 'drop-trigger', action: 'drop-trigger', locks: target(AEL), cost: 'catalog', manual: `${DOCS}/sql-droptrigger.html`, example: { setup: `${SETUP}\nCREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;\nCREATE TRIGGER users_noop BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION noop();`, sql: 'DROP TRIGGER users_noop ON users' } }),
  row({ id: 'drop-object', action: 'drop-object', when: 'a policy, rule or sequence (locks its table or itself); other objects lock no table', locks: target(AEL), cost: 'catalog', manual: `${DOCS}/sql-droppolicy.html`, example: { setup: `${SETUP}\nCREATE POLICY own_rows ON users USING (true);`, sql: 'DROP POLICY own_rows ON users' } }),
  row({ id: 'truncate', action: 'truncate', locks: target(AEL), cost: 'catalog', reason: 'TRUNCATE replaces the table with an empty one', manual: `${DOCS}/sql-truncate.html`, example: { setup: 'CREATE TABLE logs (id bigint, line text);', sql: 'TRUNCATE logs' } }),

  // RENAME
  row({ id: 'rename-column', action: 'rename-column', locks: target(AEL), cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users RENAME COLUMN name TO full_name' } }),
  row({ id: 'rename-table', action: 'rename-table', locks: target(AEL), cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users RENAME TO people' } }),
  row({ id: 'rename-index', action: 'rename-object', when: 'ALTER INDEX … RENAME (the index only, not its table)', test: (a) => a.objectType === 'index', pg: { min: 12 }, locks: [{ role: 'index', mode: SUEL }], cost: 'catalog', manual: `${DOCS}/sql-alterindex.html`, example: { setup: SETUP, sql: 'ALTER INDEX users_email_idx RENAME TO users_email_key' } }),
  row({ id: 'rename-index-pg11', action: 'rename-object', when: 'ALTER INDEX … RENAME', test: (a) => a.objectType === 'index', pg: { max: 11 }, locks: [{ role: 'index', mode: AEL }], cost: 'catalog', manual: `${DOCS}/11/sql-alterindex.html`, example: { setup: SETUP, sql: 'ALTER INDEX users_email_idx RENAME TO users_email_key' } }),
  row({ id: 'rename-table-object', action: 'rename-object', when: 'a constraint, trigger, policy or rule of a table', test: (a) => ['constraint', 'trigger', 'policy', 'rule'].includes(a.objectType), locks: target(AEL), cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users RENAME CONSTRAINT users_pkey TO users_id_pkey' } }),
  row({ id: 'rename-object', action: 'rename-object', when: 'any other object (a type, a function, an enum value)', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-altertype.html`, example: { setup: "CREATE TYPE mood AS ENUM ('sad', 'ok');", sql: 'ALTER TYPE mood RENAME TO feeling' } }),

  // ALTER TABLE … ADD COLUMN: rows in order; the first that matches gives the cost.
  row({ id: 'add-column-stored-generated', action: 'add-column', when: 'GENERATED … STORED', test: (a) => a.columnDef?.generated === 'stored', locks: [{ role: 'target', mode: AEL }, { role: 'referenced', mode: SRE }], cost: 'rewrite', reason: 'a stored generated column is computed for every row', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ADD COLUMN age2 int GENERATED ALWAYS AS (age * 2) STORED' } }),
  row({ id: 'add-column-identity', action: 'add-column', when: 'GENERATED … AS IDENTITY', test: (a) => !!a.columnDef?.identity, locks: [{ role: 'target', mode: AEL }, { role: 'referenced', mode: SRE }], cost: 'rewrite', reason: 'an identity column fills every row from its sequence', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY' } }),
  row({ id: 'add-column-serial', action: 'add-column', when: 'a serial type', test: (a) => !!a.columnDef?.serial, locks: [{ role: 'target', mode: AEL }, { role: 'referenced', mode: SRE }], cost: 'rewrite', reason: (a) => `a ${a.columnDef?.type?.name} column fills every row from a new sequence`, manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ADD COLUMN n bigserial' } }),
  row({ id: 'add-column-default-pg10', action: 'add-column', when: 'any DEFAULT', test: (a) => !!a.columnDef?.default, pg: { max: 10 }, locks: [{ role: 'target', mode: AEL }, { role: 'referenced', mode: SRE }], cost: 'rewrite', reason: 'before PG 11, any DEFAULT rewrites the table', manual: `${DOCS}/10/sql-altertable.html`, example: { setup: SETUP, sql: 'ALTER TABLE users ADD COLUMN score int DEFAULT 0' } }),
  row({ id: 'add-column-volatile-default', action: 'add-column', when: 'a volatile DEFAULT', test: (a) => !!a.columnDef?.default?.volatile, locks: [{ role: 'target', mode: AEL }, { role: 'referenced', mode: SRE }], cost: 'rewrite', reason: (a) => `volatile default \`${a.columnDef?.default?.sql}\`${a.columnDef?.default?.why ? ` (${a.columnDef.default.why})` : ''}`, manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ADD COLUMN r float8 DEFAULT random()' } }),
  row({ id: 'add-column-check', action: 'add-column', when: 'an inline CHECK (checked against every row, even with a constant DEFAULT)', test: (a) => !!a.columnDef?.check, locks: [{ role: 'target', mode: AEL }, { role: 'referenced', mode: SRE }], cost: 'scan', reason: 'the CHECK constraint is checked against every row', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ADD COLUMN score int DEFAULT 1 CHECK (score > 0)' } }),
  row({ id: 'add-column-default-references', action: 'add-column', when: 'REFERENCES, and the ALTER adds a default (every row is checked against the referenced table)', test: (a) => !!a.columnDef?.references && !!a.checksReferences, locks: [{ role: 'target', mode: AEL }, { role: 'referenced', mode: SRE }], cost: 'scan', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE orders ADD COLUMN referrer_id bigint DEFAULT 1 REFERENCES users (id)' } }),
  row({ id: 'add-column-default', action: 'add-column', when: 'a non-volatile DEFAULT', test: (a) => !!a.columnDef?.default, pg: { min: 11 }, locks: [{ role: 'target', mode: AEL }, { role: 'referenced', mode: SRE }], cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ADD COLUMN score int DEFAULT 0' } }),
  row({ id: 'add-column-not-null', action: 'add-column', when: 'NOT NULL without a DEFAULT', test: (a) => !!a.columnDef?.notNull, locks: [{ role: 'target', mode: AEL }, { role: 'referenced', mode: SRE }], cost: 'scan', reason: 'NOT NULL without a DEFAULT fails on any existing row', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ADD COLUMN score int NOT NULL', skip: 'fails on any table with rows (the oracle puts rows in every table), as the row says' } }),
  row({ id: 'add-column-unique', action: 'add-column', when: 'UNIQUE', test: (a) => !!a.columnDef?.unique, locks: [{ role: 'target', mode: AEL }, { role: 'referenced', mode: SRE }], cost: 'index-build', reason: 'a unique index is built', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ADD COLUMN handle text UNIQUE' } }),
  row({ id: 'add-column-references', action: 'add-column', when: 'REFERENCES and no default in the ALTER: every new value is NULL, nothing to check', test: (a) => !!a.columnDef?.references, locks: [{ role: 'target', mode: AEL }, { role: 'referenced', mode: SRE }], cost: 'catalog', reason: 'the new column is all NULL, so Postgres skips checking the foreign key', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE orders ADD COLUMN referrer_id bigint REFERENCES users (id)' } }),
  row({ id: 'add-column', action: 'add-column', locks: target(AEL), cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ADD COLUMN score int' } }),

  // ALTER TABLE: other column forms
  row({ id: 'drop-column-foreign-key', action: 'drop-column', when: 'a column of a foreign key: the referenced table too (with CASCADE, a referenced column: the referencing tables)', test: (a) => !!a.related?.length, locks: FK_BOTH_SIDES, cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE orders DROP COLUMN user_id' } }),
  row({ id: 'drop-column', action: 'drop-column', locks: target(AEL), cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users DROP COLUMN name' } }),
  row({ id: 'alter-column-type-foreign-key-rewrite', action: 'alter-column-type', when: 'a rewrite of a column in a foreign key, either side: the FK is rebuilt and re-validated, locking and reading the other table', test: (a) => a.change.rewrites && !!a.related?.length, locks: FK_BOTH_SIDES, cost: 'rewrite', reason: (a) => a.change.reason, manual: `${ALTER_TABLE}#SQL-ALTERTABLE-NOTES`, example: { setup: SETUP, sql: 'ALTER TABLE orders ALTER COLUMN user_id TYPE int' } }),
  row({ id: 'alter-column-type-rewrite', action: 'alter-column-type', when: 'not binary-coercible (or USING, or the old type unknown)', test: (a) => a.change.rewrites, locks: target(AEL), cost: 'rewrite', reason: (a) => a.change.reason, manual: `${ALTER_TABLE}#SQL-ALTERTABLE-NOTES`, example: { setup: SETUP, sql: 'ALTER TABLE users ALTER COLUMN age TYPE bigint' } }),
  row({ id: 'alter-column-type-foreign-key', action: 'alter-column-type', when: 'binary-coercible, a column in a foreign key: the FK is rebuilt (the other table locked), not re-validated', test: (a) => !!a.related?.length, locks: FK_BOTH_SIDES, cost: 'catalog', reason: (a) => a.change.reason, manual: `${ALTER_TABLE}#SQL-ALTERTABLE-NOTES`, example: { setup: `${SETUP}\nCREATE TABLE handles (handle varchar(50) PRIMARY KEY);\nCREATE TABLE posts (id bigint PRIMARY KEY, handle varchar(50) REFERENCES handles);`, sql: 'ALTER TABLE posts ALTER COLUMN handle TYPE varchar(80)' } }),
  row({ id: 'alter-column-type-timestamptz-utc', action: 'alter-column-type', when: 'timestamp ↔ timestamptz after SET timezone = \'UTC\' in the file (the stored values do not change)', test: (a) => !a.change.rewrites && !!a.oldType && !!a.newType && a.oldType.name !== a.newType.name && ['timestamp', 'timestamptz'].includes(a.oldType.name) && ['timestamp', 'timestamptz'].includes(a.newType.name), pg: { min: 12 }, locks: target(AEL), cost: 'catalog', reason: (a) => a.change.reason, manual: `${ALTER_TABLE}#SQL-ALTERTABLE-NOTES`, example: { setup: SETUP, sql: "SET timezone = 'UTC';\nALTER TABLE orders ALTER COLUMN created TYPE timestamptz" } }),
  row({ id: 'alter-column-type', action: 'alter-column-type', when: 'binary-coercible', locks: target(AEL), cost: 'catalog', reason: (a) => a.change.reason, manual: `${ALTER_TABLE}#SQL-ALTERTABLE-NOTES`, example: { setup: SETUP, sql: 'ALTER TABLE users ALTER COLUMN email TYPE varchar(100)' } }),
  row({ id: 'set-not-null-proven', action: 'set-not-null', when: 'a validated CHECK (col IS NOT NULL) proves it', test: (a) => a.provenByCheck, pg: { min: 12 }, locks: target(AEL), cost: 'catalog', reason: 'a validated CHECK (… IS NOT NULL) proves it', manual: ALTER_TABLE, example: { setup: `${SETUP}\nALTER TABLE users ADD CONSTRAINT users_age_nn CHECK (age IS NOT NULL);`, sql: 'ALTER TABLE users ALTER COLUMN age SET NOT NULL' } }),
  row({ id: 'set-not-null', action: 'set-not-null', locks: target(AEL), cost: 'scan', reason: 'SET NOT NULL checks every row', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ALTER COLUMN age SET NOT NULL' } }),
  row({ id: 'drop-not-null', action: 'drop-not-null', locks: target(AEL), cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ALTER COLUMN age DROP NOT NULL' } }),
  row({ id: 'set-default', action: 'set-default', locks: target(AEL), cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ALTER COLUMN age SET DEFAULT 1' } }),
  row({ id: 'drop-default', action: 'drop-default', locks: target(AEL), cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ALTER COLUMN age DROP DEFAULT' } }),

  // ALTER TABLE: constraints
  row({ id: 'add-foreign-key-not-valid', action: 'add-constraint', when: 'FOREIGN KEY … NOT VALID', test: (a) => a.constraint?.kind === 'foreign' && a.constraint.notValid, locks: [{ role: 'target', mode: SRE }, { role: 'referenced', mode: SRE }], cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID' } }),
  row({ id: 'add-foreign-key', action: 'add-constraint', when: 'FOREIGN KEY', test: (a) => a.constraint?.kind === 'foreign', locks: [{ role: 'target', mode: SRE }, { role: 'referenced', mode: SRE }], cost: 'scan', reason: 'every existing row is checked against the referenced table', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)' } }),
  row({ id: 'add-check-not-valid', action: 'add-constraint', when: 'CHECK … NOT VALID', test: (a) => a.constraint?.kind === 'check' && a.constraint.notValid, locks: target(AEL), cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age > 0) NOT VALID' } }),
  row({ id: 'add-check', action: 'add-constraint', when: 'CHECK', test: (a) => a.constraint?.kind === 'check', locks: target(AEL), cost: 'scan', reason: 'every existing row is checked', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age > 0)' } }),
  row({ id: 'add-unique-using-index', action: 'add-constraint', when: 'PRIMARY KEY or UNIQUE … USING INDEX', test: (a) => (a.constraint?.kind === 'primary' || a.constraint?.kind === 'unique') && !!a.constraint.usingIndex, locks: target(AEL), cost: 'catalog', manual: ALTER_TABLE, example: { setup: `${SETUP}\nCREATE UNIQUE INDEX users_email_key ON users (email);`, sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key' } }),
  row({ id: 'add-unique', action: 'add-constraint', when: 'PRIMARY KEY or UNIQUE', test: (a) => a.constraint?.kind === 'primary' || a.constraint?.kind === 'unique', locks: target(AEL), cost: 'index-build', reason: 'a unique index is built while ACCESS EXCLUSIVE is held', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)' } }),
  row({ id: 'add-exclusion', action: 'add-constraint', when: 'EXCLUDE', test: (a) => a.constraint?.kind === 'exclusion', locks: target(AEL), cost: 'index-build', reason: 'the exclusion index is built while ACCESS EXCLUSIVE is held', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ADD CONSTRAINT users_email_excl EXCLUDE USING btree (email WITH =)' } }),
  row({ id: 'add-not-null-constraint', action: 'add-constraint', when: 'NOT NULL (PG 18 form)', test: (a) => a.constraint?.kind === 'notnull', locks: target(AEL), cost: 'scan', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ADD CONSTRAINT users_age_not_null NOT NULL age', minPg: 18 } }),
  row({ id: 'validate-constraint', action: 'validate-constraint', locks: [{ role: 'target', mode: SUEL }, { role: 'referenced', mode: 'RowShareLock' }], cost: 'scan', manual: ALTER_TABLE, example: { setup: `${SETUP}\nALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age > 0) NOT VALID;`, sql: 'ALTER TABLE users VALIDATE CONSTRAINT users_age_check' } }),
  row({ id: 'drop-constraint', action: 'drop-constraint', when: 'a foreign key also locks the referenced table', locks: [{ role: 'target', mode: AEL }, { role: 'referenced', mode: AEL }], cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey' } }),

  // ALTER TABLE: partitions
  row({ id: 'attach-partition-scan', action: 'attach-partition', when: 'the partition, with no validated CHECK implying the bound', test: (a) => a.role === 'partition' && !a.proven, locks: [{ role: 'partition', mode: AEL }], cost: 'scan', reason: 'the partition is scanned to check the bound', manual: `${ALTER_TABLE}#SQL-ALTERTABLE-ATTACH-PARTITION`, example: { setup: PARTITIONED_BY_ID, sql: 'ALTER TABLE events ATTACH PARTITION events_low FOR VALUES FROM (0) TO (1000000)' } }),
  row({ id: 'attach-partition-proven', action: 'attach-partition', when: 'the partition, with a validated CHECK implying the bound', test: (a) => a.role === 'partition', locks: [{ role: 'partition', mode: AEL }], cost: 'catalog', reason: 'a validated CHECK constraint implies the bound', manual: `${ALTER_TABLE}#SQL-ALTERTABLE-ATTACH-PARTITION`, example: { setup: `${PARTITIONED}\nALTER TABLE events_2024 ADD CONSTRAINT events_2024_at CHECK (at IS NOT NULL AND at >= '2024-01-01' AND at < '2025-01-01');`, sql: "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" } }),
  row({ id: 'attach-partition', action: 'attach-partition', when: 'the parent', pg: { min: 12 }, locks: [{ role: 'target', mode: SUEL }, { role: 'partition', mode: AEL }], cost: 'catalog', manual: `${ALTER_TABLE}#SQL-ALTERTABLE-ATTACH-PARTITION`, example: { setup: `${PARTITIONED_BY_ID}\nALTER TABLE events_low ADD CONSTRAINT events_low_id CHECK (id >= 0 AND id < 1000000);`, sql: 'ALTER TABLE events ATTACH PARTITION events_low FOR VALUES FROM (0) TO (1000000)' } }),
  row({ id: 'attach-partition-pg11', action: 'attach-partition', when: 'the parent', pg: { max: 11 }, locks: [{ role: 'target', mode: AEL }, { role: 'partition', mode: AEL }], cost: 'catalog', manual: `${DOCS}/11/sql-altertable.html`, example: { setup: PARTITIONED, sql: "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" } }),
  row({ id: 'detach-partition-finalize', action: 'detach-partition', when: 'FINALIZE', test: (a) => a.finalize, locks: target(SUEL), cost: 'catalog', manual: `${ALTER_TABLE}#SQL-ALTERTABLE-DETACH-PARTITION`, example: { setup: `${PARTITIONED}\nALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');`, sql: 'ALTER TABLE events DETACH PARTITION events_2024 FINALIZE', skip: 'needs a DETACH … CONCURRENTLY that was interrupted' } }),
  row({ id: 'detach-partition-concurrently', action: 'detach-partition', when: 'CONCURRENTLY', test: (a) => !!a.concurrently, locks: [{ role: 'target', mode: SUEL }, { role: 'partition', mode: AEL }], cost: 'catalog', noTransaction: true, manual: `${ALTER_TABLE}#SQL-ALTERTABLE-DETACH-PARTITION`, example: { setup: `${PARTITIONED}\nALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');`, sql: 'ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY' } }),
  row({ id: 'detach-partition', action: 'detach-partition', locks: [{ role: 'target', mode: AEL }, { role: 'partition', mode: AEL }], cost: 'catalog', manual: `${ALTER_TABLE}#SQL-ALTERTABLE-DETACH-PARTITION`, example: { setup: `${PARTITIONED}\nALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');`, sql: 'ALTER TABLE events DETACH PARTITION events_2024' } }),

  // ALTER TABLE: storage and the other forms
  row({ id: 'set-logged', action: 'set-logged', locks: target(AEL), cost: 'rewrite', reason: 'changing persistence rewrites the table', manual: ALTER_TABLE, example: { setup: 'CREATE UNLOGGED TABLE logs (id bigint, line text);', sql: 'ALTER TABLE logs SET LOGGED' } }),
  row({ id: 'set-unlogged', action: 'set-unlogged', locks: target(AEL), cost: 'rewrite', reason: 'changing persistence rewrites the table', manual: ALTER_TABLE, example: { setup: 'CREATE TABLE logs (id bigint, line text);', sql: 'ALTER TABLE logs SET UNLOGGED' } }),
  row({ id: 'set-tablespace', action: 'set-tablespace', locks: target(AEL), cost: 'rewrite', reason: 'the table is copied to the new tablespace', manual: ALTER_TABLE, example: { setup: 'CREATE TABLE logs (id bigint, line text);', sql: 'ALTER TABLE logs SET TABLESPACE pg_default', skip: 'needs a second tablespace: moving to the one it is in does nothing' } }),
  row({ id: 'alter-index-tablespace', action: 'alter-table', when: 'ALTER INDEX … SET TABLESPACE (copies the index; its table is not locked)', test: (a) => a.onIndex && a.subcommand === 'SetTableSpace', locks: [{ role: 'index', mode: AEL }], cost: 'rewrite', manual: `${DOCS}/sql-alterindex.html`, example: { setup: SETUP, sql: 'ALTER INDEX users_email_idx SET TABLESPACE pg_default', skip: 'needs a second tablespace: moving to the one it is in does nothing' } }),
  row({ id: 'alter-index', action: 'alter-table', when: 'other ALTER INDEX forms (SET, RESET, ALTER COLUMN … SET STATISTICS): the index only', test: (a) => a.onIndex, locks: [{ role: 'index', mode: SUEL }], cost: 'catalog', manual: `${DOCS}/sql-alterindex.html`, example: { setup: SETUP, sql: 'ALTER INDEX users_email_idx SET (fillfactor = 80)' } }),
  row({ id: 'alter-table-light', action: 'alter-table', when: 'SET STATISTICS, CLUSTER ON, SET WITHOUT CLUSTER, ALTER COLUMN … SET/RESET (…)', test: (a) => SUEL_SUBCOMMANDS.has(a.subcommand), locks: target(SUEL), cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ALTER COLUMN age SET STATISTICS 500' } }),
  row({ id: 'alter-table-light-options', action: 'alter-table', when: 'SET/RESET (fillfactor, autovacuum_*, toast_*, parallel_workers …)', test: (a) => (a.subcommand === 'SetRelOptions' || a.subcommand === 'ResetRelOptions') && (a.options ?? []).every((o) => LIGHT_OPTION.test(o)), locks: target(SUEL), cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users SET (fillfactor = 70)' } }),
  row({ id: 'alter-table-triggers', action: 'alter-table', when: 'ENABLE/DISABLE TRIGGER', test: (a) => TRIGGER_SUBCOMMANDS.has(a.subcommand), locks: target(SRE), cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users DISABLE TRIGGER ALL' } }),
  row({ id: 'alter-table-rewrite', action: 'alter-table', when: 'SET EXPRESSION, SET ACCESS METHOD', test: (a) => REWRITE_SUBCOMMANDS.has(a.subcommand), locks: target(AEL), cost: 'rewrite', manual: ALTER_TABLE, example: { setup: `${SETUP}\nCREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler;`, sql: 'ALTER TABLE users SET ACCESS METHOD heap2' } }),
  row({ id: 'alter-table', action: 'alter-table', when: 'any other form (identity, row security, replica identity, inherit, owner …)', locks: target(AEL), cost: 'catalog', manual: ALTER_TABLE, example: { setup: SETUP, sql: 'ALTER TABLE users ENABLE ROW LEVEL SECURITY' } }),

  // Maintenance
  row({ id: 'reindex-concurrently', action: 'reindex', when: 'CONCURRENTLY', test: (a) => !!a.concurrently, locks: target(SUEL), cost: 'index-build', noTransaction: true, manual: `${DOCS}/sql-reindex.html`, example: { setup: SETUP, sql: 'REINDEX TABLE CONCURRENTLY users' } }),
  row({ id: 'reindex-index', action: 'reindex', when: 'REINDEX INDEX: SHARE on its table, ACCESS EXCLUSIVE on the index', test: (a) => a.target === 'index', locks: [{ role: 'target', mode: 'ShareLock' }, { role: 'index', mode: AEL }], cost: 'index-build', manual: `${DOCS}/sql-reindex.html`, example: { setup: SETUP, sql: 'REINDEX INDEX users_email_idx' } }),
  row({ id: 'reindex', action: 'reindex', when: 'REINDEX TABLE: SHARE on the table, ACCESS EXCLUSIVE on each of its indexes (so reads wait too)', locks: [{ role: 'target', mode: 'ShareLock' }, { role: 'index', mode: AEL }], cost: 'index-build', manual: `${DOCS}/sql-reindex.html`, example: { setup: SETUP, sql: 'REINDEX TABLE users' } }),
  row({ id: 'vacuum', action: 'vacuum', locks: target(SUEL), cost: 'scan', noTransaction: true, manual: `${DOCS}/sql-vacuum.html`, example: { setup: SETUP, sql: 'VACUUM users' } }),
  row({ id: 'vacuum-full', action: 'vacuum-full', locks: target(AEL), cost: 'rewrite', noTransaction: true, manual: `${DOCS}/sql-vacuum.html`, example: { setup: SETUP, sql: 'VACUUM FULL users' } }),
  row({ id: 'analyze', action: 'analyze', locks: target(SUEL), cost: 'scan', manual: `${DOCS}/sql-analyze.html`, example: { setup: SETUP, sql: 'ANALYZE users' } }),
  row({ id: 'cluster', action: 'cluster', locks: target(AEL), cost: 'rewrite', reason: 'CLUSTER rewrites the table in index order', manual: `${DOCS}/sql-cluster.html`, example: { setup: SETUP, sql: 'CLUSTER users USING users_email_idx' } }),
  row({ id: 'refresh-matview-concurrently', action: 'refresh-matview', when: 'CONCURRENTLY', test: (a) => !!a.concurrently, locks: target('ExclusiveLock'), cost: 'rewrite', reason: 'REFRESH recomputes the whole view', manual: `${DOCS}/sql-refreshmaterializedview.html`, example: { setup: MATVIEW, sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY user_ages' } }),
  row({ id: 'refresh-matview', action: 'refresh-matview', locks: target(AEL), cost: 'rewrite', reason: 'REFRESH recomputes the whole view', manual: `${DOCS}/sql-refreshmaterializedview.html`, example: { setup: MATVIEW, sql: 'REFRESH MATERIALIZED VIEW user_ages' } }),
  ...LOCK_MODES.map((mode) => row({ id: `lock-table-${mode}`, action: 'lock-table', when: `IN ${lockSqlName(mode)} MODE`, test: (a) => a.mode === mode, locks: target(mode), cost: 'none', manual: `${DOCS}/sql-lock.html`, example: { setup: SETUP, sql: `LOCK TABLE users IN ${lockSqlName(mode)} MODE` } })),

  // DML and queries
  row({ id: 'insert', action: 'insert', when: 'ROW SHARE on each table its foreign keys reference (the FK check)', locks: DML_LOCKS, cost: 'none', manual: LOCKING, example: { setup: SETUP, sql: 'INSERT INTO orders (id, user_id) SELECT 1000001, min(id) FROM users' } }),
  row({ id: 'update', action: 'update', when: 'with a WHERE (ROW SHARE on the tables the foreign keys of SET columns reference)', test: (a) => a.hasWhere, locks: DML_LOCKS, cost: 'none', manual: LOCKING, example: { setup: SETUP, sql: 'UPDATE users SET age = 1 WHERE id = 5' } }),
  row({ id: 'update-all', action: 'update', when: 'every row (no WHERE, or MERGE)', locks: DML_LOCKS, cost: 'scan', manual: LOCKING, example: { setup: SETUP, sql: 'UPDATE orders SET user_id = (SELECT min(id) FROM users)' } }),
  row({ id: 'delete', action: 'delete', when: 'with a WHERE', test: (a) => a.hasWhere, locks: target('RowExclusiveLock'), cost: 'none', manual: LOCKING, example: { setup: SETUP, sql: 'DELETE FROM orders WHERE id = 5' } }),
  row({ id: 'delete-all', action: 'delete', when: 'every row', locks: target('RowExclusiveLock'), cost: 'scan', manual: LOCKING, example: { setup: SETUP, sql: 'DELETE FROM orders' } }),
  row({ id: 'select-for-update', action: 'select', when: 'FOR UPDATE/SHARE', test: (a) => a.forUpdate, locks: [{ role: 'read', mode: 'RowShareLock' }], cost: 'none', manual: LOCKING, example: { setup: SETUP, sql: 'SELECT * FROM users WHERE id = 5 FOR UPDATE' } }),
  row({ id: 'select-fills', action: 'select', when: 'each relation the query of CREATE TABLE … AS / MATERIALIZED VIEW (WITH DATA) reads: the query runs', test: (a) => !!a.fills, locks: [{ role: 'read', mode: 'AccessShareLock' }], cost: 'scan', reason: 'the query runs to fill the new table', manual: `${DOCS}/sql-createtableas.html`, example: { setup: SETUP, sql: 'CREATE TABLE adults AS SELECT * FROM users WHERE age >= 18' } }),
  row({ id: 'select', action: 'select', when: 'each relation a query reads', locks: [{ role: 'read', mode: 'AccessShareLock' }], cost: 'none', manual: LOCKING, example: { setup: SETUP, sql: 'SELECT count(*) FROM users' } }),

  // Catalog-only and session statements
  row({ id: 'comment', action: 'comment', when: 'on a table, view or column (other objects lock no table)', locks: target(SUEL), cost: 'catalog', manual: `${DOCS}/sql-comment.html`, example: { setup: SETUP, sql: "COMMENT ON TABLE users IS 'people'" } }),
  row({ id: 'grant', action: 'grant', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-grant.html`, example: { setup: `${SETUP}\nCREATE ROLE reader;`, sql: 'GRANT SELECT ON users TO reader' } }),
  row({ id: 'alter-enum-add-value-pg11', action: 'alter-enum-add-value', pg: { max: 11 }, locks: NONE, cost: 'catalog', noTransaction: true, manual: `${DOCS}/11/sql-altertype.html`, example: { setup: "CREATE TYPE mood AS ENUM ('sad', 'ok');", sql: "ALTER TYPE mood ADD VALUE 'happy'" } }),
  row({ id: 'alter-enum-add-value', action: 'alter-enum-add-value', pg: { min: 12 }, locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-altertype.html`, example: { setup: "CREATE TYPE mood AS ENUM ('sad', 'ok');", sql: "ALTER TYPE mood ADD VALUE 'happy'" } }),
  row({ id: 'alter-domain-add-constraint', action: 'alter-domain', when: 'ADD CONSTRAINT without NOT VALID (checks every column of the type)', test: (a) => a.validates, locks: NONE, cost: 'scan', manual: `${DOCS}/sql-alterdomain.html`, example: { setup: 'CREATE DOMAIN posint AS int;', sql: 'ALTER DOMAIN posint ADD CONSTRAINT posint_check CHECK (VALUE > 0)' } }),
  row({ id: 'alter-domain', action: 'alter-domain', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-alterdomain.html`, example: { setup: 'CREATE DOMAIN posint AS int;', sql: 'ALTER DOMAIN posint ADD CONSTRAINT posint_check CHECK (VALUE > 0) NOT VALID' } }),
  row({ id: 'do-block', action: 'do-block', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-do.html`, example: { sql: 'DO $$BEGIN PERFORM 1; END$$' } }),
  row({ id: 'catalog', action: 'catalog', when: 'other catalog-only statements (roles, casts, operators, ALTER TYPE …)', locks: NONE, cost: 'catalog', manual: `${DOCS}/sql-commands.html`, example: { sql: 'CREATE ROLE app_reader' } }),
  row({ id: 'set', action: 'set', locks: NONE, cost: 'none', manual: `${DOCS}/sql-set.html`, example: { sql: "SET lock_timeout = '2s'" } }),
  row({ id: 'transaction', action: 'transaction', locks: NONE, cost: 'none', manual: `${DOCS}/sql-begin.html`, example: { sql: 'BEGIN' } }),
  row({ id: 'session', action: 'session', when: 'statements that change no table (NOTIFY, PREPARE, CALL …)', locks: NONE, cost: 'none', manual: `${DOCS}/sql-commands.html`, example: { sql: "NOTIFY jobs, 'go'" } }),
];

function inRange(pg: number, r?: { min?: number; max?: number }): boolean {
  return !r || ((r.min === undefined || pg >= r.min) && (r.max === undefined || pg <= r.max));
}

/** The first row that holds for the action on this Postgres major. */
export function lockFact(a: ActionOf<ActionKind>, pgVersion: number): LockFact | undefined {
  for (const r of LOCK_TABLE) if (r.action === a.type && inRange(pgVersion, r.pg) && (!r.test || r.test(a))) return r;
  return undefined;
}

/** Whether a row (by id) holds on this Postgres major: for help texts that offer what the row allows. */
export function factHolds(id: string, pgVersion: number): boolean {
  const r = LOCK_TABLE.find((x) => x.id === id);
  return !!r && inRange(pgVersion, r.pg);
}

/**
 * Gives the action its locks, cost and reason from its row: the mode for the role the action's own
 * relation plays, and for every related relation by its role. Returns the row, if one holds.
 */
export function applyLockFact(a: ActionOf<ActionKind>, pgVersion: number): LockFact | undefined {
  const r = lockFact(a, pgVersion);
  if (!r) return undefined;
  const own = a.role ?? 'target';
  const also: RelatedLock[] = [];
  for (const l of r.locks) {
    if (l.role === own && a.relation) a.lock = l.mode;
    for (const x of a.related ?? []) if (x.role === l.role) also.push({ rel: x.rel, lock: l.mode, role: x.role });
  }
  if (also.length) a.also = also;
  a.cost = r.cost;
  const reason = typeof r.reason === 'function' ? r.reason(a) : r.reason;
  if (reason !== undefined && a.reason === undefined) a.reason = reason;
  a.fact = r.id;
  return r;
}
