import type { Node } from '@pgsql/types';
import type { ActionKind, ActionOf, AnalysedStatement, AnalysisSettings, Span } from '../analysis/types.js';
import type { Rel } from '../analysis/names.js';
import type { SchemaModel } from '../analysis/schema.js';
import type { DownMigration } from '../analysis/down.js';
import type { SyntaxAccessors } from '../analysis/syntax.js';

export type Severity = 'error' | 'warning' | 'info';
export type Category = 'lock' | 'compat' | 'hygiene' | 'meta';

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface Fix {
  /** Imperative: "Add `CONCURRENTLY`". */
  title: string;
  safety: 'safe' | 'unsafe';
  edits: TextEdit[];
}

export interface RuleDocs {
  /** `^(Disallow|Require|Prefer) …`, no trailing period. */
  summary: string;
  /** What the rule flags. */
  what: string;
  /** Why it is dangerous: the lock, what it blocks, for how long. */
  why: string;
  example: { bad: string; good: string };
  whenNotToUse?: string;
  fixSafety?: string;
  /** postgresql.org manual links. */
  references: string[];
}

export interface RuleMeta<M extends string = string> {
  id: string;
  category: Category;
  defaultSeverity: Severity;
  /** On by default; opt-in rules are off until enabled. */
  recommended: boolean;
  /** Postgres majors the rule applies to (inclusive). */
  pgVersions?: { min?: number; max?: number };
  fix: 'none' | 'safe' | 'unsafe';
  messages: Record<M, string>;
  docs: RuleDocs;
  /** Other ids accepted in config and ignores (squawk's spellings). */
  aliases?: string[];
  /**
   * Rules whose finding on the same statement and span is another aspect of the problem this rule reports
   * (one finding per problem). The engine folds such a finding into this rule's finding as a related note;
   * when this rule is off or ignored there, the other finding stands on its own.
   */
  subsumes?: string[];
}

export interface Report<M extends string> {
  messageId: M;
  data?: Record<string, string | number>;
  /** Defaults to the statement's span. */
  span?: Span;
  /** What to do instead: an imperative sentence, then ready-to-paste SQL with the user's names. */
  help?: string;
  fix?: Fix;
  /** Ranges of the file text never to be shown (a secret): reporters mask them in snippets. Never put them in `data` or `help`. */
  redact?: Span[];
}

export interface RuleContext<M extends string = string> {
  readonly settings: AnalysisSettings;
  readonly schema: SchemaModel;
  readonly file: string;
  /** The whole file's text, for fixes and snippets. */
  readonly text: string;
  /** New relations: created earlier in this file (or a pending file), so empty and unseen by the app. */
  isNew(rel: Rel | undefined): boolean;
  /** The file's down migration, when the run looked for one (`withRollback` in src/rollback). */
  readonly down?: DownMigration;
  /** This file is a down migration, linted as the rollback path. */
  readonly rollback?: boolean;
  /**
   * Syntax beyond the facts: names and literals as written, and where (src/analysis/syntax.ts). Rules that need
   * the statement's text shape use these instead of reading the parse tree; everything else is on the actions.
   */
  readonly syntax: SyntaxAccessors;
  report(stmt: AnalysedStatement, r: Report<M>): void;
}

export type StatementHandler = (stmt: AnalysedStatement) => void;

type KeysOfUnion<T> = T extends unknown ? keyof T : never;
/** libpg-query's node names: `CreateStmt`, `IndexStmt`, `AlterTableStmt` … */
export type StatementKind = KeysOfUnion<Node>;

/** One handler per action kind, called for each such action with its typed facts. */
export type ActionHandlers = { [K in ActionKind]?: (action: ActionOf<K>, stmt: AnalysedStatement) => void };
/** One handler per statement kind, called for each such statement. */
export type StatementHandlers = { [K in StatementKind]?: StatementHandler };

/**
 * Keys: an action kind (`add-column`, `create-index`) for each such action, a libpg-query statement kind
 * (`IndexStmt`) for those statements, `'*'` (or `statement`) for every analysed statement. `onFileEnd` runs
 * after a file's last statement. A misspelled key is a compile error.
 */
export type RuleVisitor = ActionHandlers & StatementHandlers & {
  '*'?: StatementHandler;
  statement?: StatementHandler;
  onFileEnd?: () => void;
};

export interface Rule<M extends string = string> {
  meta: RuleMeta<M>;
  create(ctx: RuleContext<M>): RuleVisitor;
}

export function defineRule<M extends string>(rule: Rule<M>): Rule<M> {
  return rule;
}

/** The only place the rule documentation URL pattern exists. */
export function ruleDocsUrl(id: string): string {
  return `https://github.com/pgsafe/pgsafe/blob/main/docs/rules/${id}.md`;
}

/** Fills `{{name}}` placeholders. */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => (k in data ? String(data[k]) : `{{${k}}}`));
}
