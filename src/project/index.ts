// The one way to lint a project: discover the migration set, then lint it. The CLI, the language server and
// replay are clients of this layer.
export { discoverMigrations, bufferSet, DEFAULT_PG_VERSION, type DiscoverOptions, type MigrationFile, type MigrationSet } from './discover.js';
export { historySchema, type HistoryOptions } from './history.js';
export { lintProject, lintProjectSync, type LintProjectOptions, type ProjectResult } from './lint.js';
export { compareMigrations, resolvePaths } from './files.js';
export { changedSince, readStaged, stagedFiles, untrackedFiles } from './git.js';
export { inSeries, migrationRoot, upMigrationOf } from './layout.js';
export { UsageError } from './errors.js';
