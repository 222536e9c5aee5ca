import type { RuleSetting } from '../engine/engine.js';

/** What the server lints a document with. */
export interface DocumentSettings {
  pgVersion: number;
  assumeInTransaction: boolean;
  ruleSettings: Record<string, RuleSetting>;
  /** The config file the settings came from, when one was found. */
  configFile?: string;
}

/**
 * Settings sent by the editor (`initializationOptions`, or the `pgsafe` section of
 * `workspace/didChangeConfiguration`). They are user-level defaults: a project's
 * config file wins over them, as CLI defaults lose to it.
 */
export interface ClientSettings {
  pgVersion?: number;
  assumeInTransaction?: boolean;
  rules?: Record<string, RuleSetting>;
  /** Delay after the last keystroke before linting, in milliseconds. */
  debounceMs?: number;
}

export const DEFAULT_SETTINGS: DocumentSettings = { pgVersion: 15, assumeInTransaction: false, ruleSettings: {} };

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
  if (src.rules && typeof src.rules === 'object') {
    const rules: Record<string, RuleSetting> = {};
    for (const [id, sev] of Object.entries(src.rules as Record<string, unknown>)) if (SEVERITIES.has(sev as RuleSetting)) rules[id] = sev as RuleSetting;
    out.rules = rules;
  }
  return out;
}

/**
 * The one place the server learns how to lint a file: built-in defaults, then the
 * editor's settings, then the project's config file found from `filePath`
 * (`undefined` for unsaved buffers).
 */
export async function settingsFor(filePath: string | undefined, client: ClientSettings): Promise<DocumentSettings> {
  const base: DocumentSettings = {
    pgVersion: client.pgVersion ?? DEFAULT_SETTINGS.pgVersion,
    assumeInTransaction: client.assumeInTransaction ?? DEFAULT_SETTINGS.assumeInTransaction,
    ruleSettings: { ...(client.rules ?? {}) },
  };
  void filePath;
  // Config-file discovery (pgsafe.config.json / .pgsaferc.json walking up from the file)
  // lives in src/config/; it is not in the tree yet, so only the editor's settings apply.
  return base;
}
