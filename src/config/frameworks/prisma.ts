import { basename } from 'node:path';
import { dirPerMigrationRoot, type FrameworkPreset } from './types.js';

/**
 * Prisma Migrate: `migrations/<timestamp>_<name>/migration.sql`, applied in
 * directory order. Prisma sends the whole file as one simple-query string and
 * no BEGIN: a single statement runs in autocommit (a lone `CREATE INDEX
 * CONCURRENTLY` succeeds), two or more run as Postgres's implicit transaction
 * block, as with golang-migrate. Prisma has no down migrations in the
 * migrations folder.
 */
export const prisma: FrameworkPreset = {
  name: 'prisma',
  label: 'Prisma',
  root: dirPerMigrationRoot,
  isMigration: (path) => basename(path) === 'migration.sql',
  downs: { in: 'none' },
  recognise: (path) => basename(path).toLowerCase() === 'migration.sql',
  prepare(_path, text, statements) {
    return {
      text,
      inTransaction: statements.length > 1,
      implicit: true,
      optOut: 'Prisma Migrate sends each migration.sql as one query, which Postgres runs as one implicit transaction when it holds several statements, and has no per-migration opt-out: move this statement into a migration of its own with no other statement, or run it outside Prisma (`prisma db execute`) and record it with `prisma migrate resolve --applied`',
    };
  },
  downFor: () => undefined,
};
