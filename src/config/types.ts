import type { RuleSetting } from '../engine/engine.js';

export const FRAMEWORKS = ['flyway', 'golang-migrate', 'goose', 'dbmate', 'prisma', 'diesel', 'sqitch', 'rails'] as const;
export type FrameworkName = (typeof FRAMEWORKS)[number];

/** Settings that may differ per path (`overrides`). */
export interface PathSettings {
  /** Rule id (or alias) → off | info | warning | error. */
  rules?: Record<string, RuleSetting>;
  assumeInTransaction?: boolean;
  framework?: FrameworkName;
  /** Values for `${name}` (Flyway) and `{{ … }}` (Go template) placeholders. */
  placeholders?: Record<string, string>;
}

export interface Override extends PathSettings {
  /** Globs relative to the config file's directory. */
  files: string[];
  excludedFiles?: string[];
}

/** The contents of `pgsafe.config.json` / `.pgsaferc.json`. */
export interface PgsafeConfig extends PathSettings {
  $schema?: string;
  pgVersion?: number;
  include?: string[];
  exclude?: string[];
  overrides?: Override[];
  /** `lint --stats`: a snapshot from `pgsafe stats` (relative to this file), and the blocking threshold. */
  stats?: { file: string; threshold?: string };
}

/** A config file as loaded: its contents, where it is, and rule ids resolved to canonical ids. */
export interface LoadedConfig {
  path: string;
  dir: string;
  config: PgsafeConfig;
}

export class ConfigError extends Error {
  constructor(readonly file: string, readonly key: string, message: string) {
    super(`${file}: ${key ? `"${key}": ` : ''}${message}`);
  }
}
