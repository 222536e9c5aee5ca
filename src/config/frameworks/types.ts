import { dirname } from 'node:path';
import type { Span } from '../../analysis/types.js';
import type { FrameworkName } from '../types.js';

/** A top-level statement of the file, as the parser split it. */
export interface StatementText {
  kind: string;
  text: string;
}

/** A file as the framework will run it. */
export interface PreparedFile {
  /** The text to lint. Same length and newlines as the file: parts the framework does not run forward (goose Down, dbmate down) are blanked with spaces. */
  text: string;
  /** The framework runs the file inside one transaction (or one implicit transaction block). */
  inTransaction: boolean;
  /** How to make this file run outside a transaction in this framework: an imperative, for help texts. */
  optOut: string;
  /**
   * The wrapping transaction is Postgres's implicit block for a multi-statement query string, not a BEGIN the
   * framework sends: an explicit BEGIN … COMMIT in the file then opens and closes a block of its own (no nesting).
   */
  implicit?: boolean;
}

/** Where the down (rollback) migration of an up migration lives. */
export type DownLocation =
  /** A file of its own. */
  | { kind: 'file'; path: string }
  /** A section of the up file itself (offsets into its text). */
  | { kind: 'section'; path: string; span: Span };

export interface FrameworkPreset {
  name: FrameworkName;
  /** How users write it: "Flyway", "golang-migrate". */
  label: string;
  /** Whether the framework runs `path` as a forward migration (U/R Flyway files, down files, `structure.sql` are not). */
  isMigration(path: string): boolean;
  /** How the framework runs the file: the text to lint and its transaction semantics. `statements` are the file's top-level statements. */
  prepare(path: string, text: string, statements: readonly StatementText[]): PreparedFile;
  /**
   * The down migration of `upPath` (for rollback checks), or undefined when
   * the framework has none or it is not where the framework looks for it.
   * `text` is the up file's text (for frameworks that keep both in one file).
   */
  downFor(upPath: string, text: string, list?: ListDir): DownLocation | undefined;
  /** Where this framework keeps down migrations: files of their own, a section of the up file after `marker`, or none. */
  downs: { in: 'file' } | { in: 'section'; marker: string } | { in: 'none' };
  /**
   * Without a configured framework: whether the file is written for this one, by its name or its markers (to find
   * its down). A preset without it (Sqitch, Rails: nothing in a file says so) is used only when configured.
   */
  recognise?(path: string, text: string): boolean;
  /** Whether `path` is one of this framework's down (undo, revert) files. */
  isDown?(path: string): boolean;
  /**
   * Where the missing down of `upPath` would be and whether the project expects one, when `downFor` finds none
   * (Flyway: undo scripts are a paid feature, expected only in a project that writes them).
   */
  missingDown?(upPath: string, list: ListDir): { path: string; expected: boolean } | undefined;
  /** The directory holding the migration set `path` belongs to: everything in it that runs before `path` is its history. */
  root(path: string): string;
  /** The up migration that the down (undo, revert) file `downPath` belongs to; undefined when it is not one of this framework's down files. */
  upFor?(downPath: string): string | undefined;
  /** Reorders migration paths when the framework's own order is not the file-name order (Sqitch's plan). */
  order?(paths: string[]): string[];
}

/** Lists a directory's entry names (an empty list when it cannot be read); tests and editors pass their own. */
export type ListDir = (dir: string) => string[];

/** Flat layouts (`migrations/0001_x.sql`): the file's own directory. */
export const flatRoot = (path: string): string => dirname(path);

/** One directory per migration (`migrations/<id>/up.sql`): the parent of the migration's directory. */
export const dirPerMigrationRoot = (path: string): string => dirname(dirname(path));

/** Replaces every character of `text` in [start, end) except line breaks by a space, so offsets, lines and columns do not move. */
export function blank(text: string, start: number, end: number): string {
  if (end <= start) return text;
  return text.slice(0, start) + text.slice(start, end).replace(/[^\n\r]/g, ' ') + text.slice(end);
}
