// The down migration of an up migration, as rules see it (`ctx.down`): found by src/rollback, read by the engine
// and rules, so it lives below both.
import type { Span } from './types.js';

/** Migration frameworks as far as rollbacks go: where each keeps its down migration. */
export type RollbackFramework = 'golang-migrate' | 'goose' | 'dbmate' | 'flyway' | 'diesel' | 'sqitch' | 'prisma' | 'rails' | 'unknown';

/**
 * The down counterpart of an up migration, found by `findDown`.
 *
 * - `kind: 'file'`: a file of its own (golang-migrate `*.down.sql`, diesel `down.sql`, Flyway `U…__` undo).
 * - `kind: 'section'`: a section of the up file (goose `-- +goose Down`, dbmate `-- migrate:down`).
 */
export interface DownMigration {
  framework: RollbackFramework;
  /** The framework (or this project, for Flyway undo) has down migrations, so a missing one is a finding. */
  expected: boolean;
  kind: 'file' | 'section';
  /** The down file, or the up file itself for a section. */
  path: string;
  /** How the user would name it in a message: `20240101_add_phone.down.sql`, `-- +goose Down`. */
  label: string;
  /**
   * For a file: its text. For a section: the up file's text with everything but the down section blanked
   * (newlines kept), so offsets, lines and columns are the up file's own.
   */
  text?: string;
  /** For a section: where it is in the up file. */
  span?: Span;
  /** For a section: the up part of the file (everything before the down marker). */
  upSpan?: Span;
  state: 'present' | 'missing' | 'empty' | 'raises';
}
