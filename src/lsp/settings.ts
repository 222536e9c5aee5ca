import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RuleSetting } from '../engine/engine.js';
import type { Rule } from '../engine/rule.js';
import { findConfigFile, loadConfig } from '../config/load.js';
import { ConfigResolver, type FileSettings } from '../config/resolve.js';
import type { LoadedConfig } from '../config/types.js';
import { frameworks } from '../config/frameworks/index.js';
import { isDownFile } from '../rollback/down.js';

/** What the server lints a document with. */
export interface DocumentSettings {
  pgVersion: number;
  assumeInTransaction: boolean;
  ruleSettings: Record<string, RuleSetting>;
  /** For `prepareText`: framework, placeholders, and the rules and transaction mode for this path. */
  file: FileSettings;
  /** Per-path settings of other files (earlier migrations read for the schema model). */
  resolver: ConfigResolver;
  /** The config file, loaded, when there is a valid one. */
  loaded?: LoadedConfig;
  /** False when the config's `include`/`exclude` or the framework leave the file out: it gets no diagnostics. */
  selected: boolean;
  /** The config file the settings came from, when one was found. */
  configFile?: string;
  /** Why the config file could not be used (it names the file and key); editor settings apply meanwhile. */
  configError?: string;
}

/**
 * Settings sent by the editor (`initializationOptions`, or the `pgsafe` section of
 * `workspace/didChangeConfiguration`). They are user-level defaults: a project's
 * config file wins over them, as it wins over the CLI's defaults.
 */
export interface ClientSettings {
  pgVersion?: number;
  assumeInTransaction?: boolean;
  rules?: Record<string, RuleSetting>;
  /** Delay after the last keystroke before linting, in milliseconds. */
  debounceMs?: number;
  /** Read the migrations that run before the file into the schema model (default true). */
  schemaContext?: boolean;
}

export const DEFAULT_PG_VERSION = 15;

const SEVERITIES = new Set<RuleSetting>(['off', 'info', 'warning', 'error']);

/** Keeps only well-formed values from whatever the editor sent. */
export function sanitizeClientSettings(raw: unknown): ClientSettings {
  if (!raw || typeof raw !== 'object') return {};
  const o = raw as Record<string, unknown>;
  const src = (o.pgsafe && typeof o.pgsafe === 'object' ? o.pgsafe : o) as Record<string, unknown>;
  const out: ClientSettings = {};
  const v = typeof src.pgVersion === 'string' ? Number(src.pgVersion) : src.pgVersion;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 9 && v <= 30) out.pgVersion = v;
  if (typeof src.assumeInTransaction === 'boolean') out.assumeInTransaction = src.assumeInTransaction;
  if (typeof src.debounceMs === 'number' && src.debounceMs >= 0) out.debounceMs = src.debounceMs;
  if (typeof src.schemaContext === 'boolean') out.schemaContext = src.schemaContext;
  if (src.rules && typeof src.rules === 'object') {
    const rules: Record<string, RuleSetting> = {};
    for (const [id, sev] of Object.entries(src.rules as Record<string, unknown>)) if (SEVERITIES.has(sev as RuleSetting)) rules[id] = sev as RuleSetting;
    out.rules = rules;
  }
  return out;
}

/** Loaded config files, reloaded when their mtime or size changes. */
const cache = new Map<string, { stamp: string; loaded?: LoadedConfig; error?: string }>();

function stampOf(path: string): string {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return 'missing';
  }
}

function load(path: string, rules: readonly Rule[]): { loaded?: LoadedConfig; error?: string } {
  const stamp = stampOf(path);
  const hit = cache.get(path);
  if (hit && hit.stamp === stamp) return hit;
  let entry: { stamp: string; loaded?: LoadedConfig; error?: string };
  try {
    entry = { stamp, loaded: loadConfig(path, rules) };
  } catch (err) {
    entry = { stamp, error: (err as Error).message };
  }
  cache.set(path, entry);
  return entry;
}

/**
 * The one place the server learns how to lint a file: built-in defaults, then the
 * editor's settings, then the project's config file (`pgsafe.config.json` or
 * `.pgsaferc.json`, found walking up from the file, or from `fallbackDir` for
 * unsaved buffers) with its overrides for that path.
 */
export function settingsFor(filePath: string | undefined, client: ClientSettings, rules: readonly Rule[], fallbackDir?: string): DocumentSettings {
  const assume = client.assumeInTransaction;
  const out: DocumentSettings = {
    pgVersion: client.pgVersion ?? DEFAULT_PG_VERSION,
    assumeInTransaction: assume ?? false,
    ruleSettings: { ...(client.rules ?? {}) },
    file: { rules: {}, assumeInTransaction: assume, placeholders: {} },
    resolver: new ConfigResolver(undefined, { assumeInTransaction: assume }),
    selected: true,
  };
  const start = filePath ? dirname(filePath) : fallbackDir;
  const configFile = start ? findConfigFile(start) : undefined;
  if (!configFile) return out;
  out.configFile = configFile;
  const { loaded, error } = load(configFile, rules);
  if (!loaded) {
    out.configError = error;
    return out;
  }
  const resolver = new ConfigResolver(loaded, {}, start);
  out.resolver = resolver;
  out.loaded = loaded;
  const file = resolver.forFile(filePath ?? join(start!, 'untitled.sql'));
  out.pgVersion = resolver.pgVersion ?? out.pgVersion;
  // The config's transaction mode wins over the editor's; a framework wins over both (in prepareText).
  file.assumeInTransaction ??= assume;
  out.assumeInTransaction = file.assumeInTransaction ?? false;
  Object.assign(out.ruleSettings, file.rules);
  out.file = file;
  if (filePath) {
    const preset = file.framework ? frameworks[file.framework] : undefined;
    // A down migration is not a forward migration, but `pgsafe lint` reports it as its up's rollback path.
    out.selected = resolver.selected(filePath) && (!preset || preset.isMigration(filePath) || isDownFile(filePath, file.framework));
  }
  return out;
}
