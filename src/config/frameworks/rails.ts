import { basename } from 'node:path';
import { flatRoot, type FrameworkPreset } from './types.js';

/**
 * Rails: migrations are Ruby; `db/structure.sql` (and `schema.sql`) is a dump
 * of the whole schema, not a migration, so it is skipped. SQL run from a
 * migration is inside its DDL transaction unless the migration calls
 * `disable_ddl_transaction!`.
 */
export const rails: FrameworkPreset = {
  name: 'rails',
  label: 'Rails',
  root: flatRoot,
  isMigration: (path) => !/^(structure|schema)\.sql$/i.test(basename(path)),
  downs: { in: 'none' },
  prepare(_path, text) {
    return {
      text,
      inTransaction: true,
      optOut: 'Rails runs each migration in a transaction: call `disable_ddl_transaction!` in the migration class, and keep this statement in a migration of its own',
    };
  },
  downFor: () => undefined,
};
