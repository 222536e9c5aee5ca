import { basename } from 'node:path';
import { dirPerMigrationRoot, type FrameworkPreset } from './types.js';

/**
 * Prisma Migrate: `migrations/<timestamp>_<name>/migration.sql`, applied in
 * directory order. The file is applied as one unit (wrapped in a transaction;
 * a multi-statement script is one transaction block to Postgres in any case).
 * Prisma has no down migrations in the migrations folder.
 */
export const prisma: FrameworkPreset = {
  name: 'prisma',
  label: 'Prisma',
  root: dirPerMigrationRoot,
  isMigration: (path) => basename(path) === 'migration.sql',
  prepare(_path, text) {
    return {
      text,
      inTransaction: true,
      implicit: true,
      optOut: 'Prisma Migrate applies each migration.sql as one transaction and has no per-migration opt-out: move this statement into a migration of its own with no other statement, or run it outside Prisma (`prisma db execute`) and record it with `prisma migrate resolve --applied`',
    };
  },
  downFor: () => undefined,
};
