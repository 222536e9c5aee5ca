import type { Rule } from '../engine/rule.js';
import { ruleIds, rulesNamed } from '../engine/engine.js';
import { ConfigError, FRAMEWORKS, type FrameworkName, type Override, type PathSettings, type PgsafeConfig } from './types.js';

const SEVERITIES = ['off', 'info', 'warning', 'error'];
const PATH_KEYS = ['rules', 'assumeInTransaction', 'framework', 'placeholders'];
const TOP_KEYS = ['$schema', 'pgVersion', 'include', 'exclude', 'overrides', 'stats', ...PATH_KEYS];
const OVERRIDE_KEYS = ['files', 'excludedFiles', ...PATH_KEYS];

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const d = distance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) { bestD = d; best = o; }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

function unknownKey(file: string, path: string, key: string, allowed: readonly string[]): ConfigError {
  const hint = closest(key, allowed);
  return new ConfigError(file, path ? `${path}.${key}` : key, `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`);
}

function stringList(file: string, key: string, v: unknown): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) throw new ConfigError(file, key, 'expected an array of non-empty glob strings');
  return v as string[];
}

/** Checks a parsed config object; throws ConfigError naming the file and the key at fault. Rule ids are returned canonical. */
export function validateConfig(raw: unknown, file: string, rules: readonly Rule[]): PgsafeConfig {
  if (!isObj(raw)) throw new ConfigError(file, '', 'expected a JSON object');
  for (const k of Object.keys(raw)) if (!TOP_KEYS.includes(k)) throw unknownKey(file, '', k, TOP_KEYS);
  const out: PgsafeConfig = {};
  if (raw.$schema !== undefined) {
    if (typeof raw.$schema !== 'string') throw new ConfigError(file, '$schema', 'expected a string');
    out.$schema = raw.$schema;
  }
  if (raw.pgVersion !== undefined) {
    const v = raw.pgVersion;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 9 || v > 30) throw new ConfigError(file, 'pgVersion', `expected a Postgres major version such as 15, got ${JSON.stringify(v)}`);
    out.pgVersion = v;
  }
  if (raw.stats !== undefined) out.stats = statsSetting(file, raw.stats);
  if (raw.include !== undefined) out.include = stringList(file, 'include', raw.include);
  if (raw.exclude !== undefined) out.exclude = stringList(file, 'exclude', raw.exclude);
  Object.assign(out, pathSettings(raw, file, '', rules));
  if (raw.overrides !== undefined) {
    if (!Array.isArray(raw.overrides)) throw new ConfigError(file, 'overrides', 'expected an array of { "files": [...], ... } objects');
    out.overrides = raw.overrides.map((o, i): Override => {
      const key = `overrides[${i}]`;
      if (!isObj(o)) throw new ConfigError(file, key, 'expected an object');
      for (const k of Object.keys(o)) if (!OVERRIDE_KEYS.includes(k)) throw unknownKey(file, key, k, OVERRIDE_KEYS);
      if (o.files === undefined) throw new ConfigError(file, `${key}.files`, 'is required: the globs this override applies to');
      const files = stringList(file, `${key}.files`, o.files);
      const ov: Override = { files, ...pathSettings(o, file, key, rules) };
      if (o.excludedFiles !== undefined) ov.excludedFiles = stringList(file, `${key}.excludedFiles`, o.excludedFiles);
      return ov;
    });
  }
  return out;
}

function pathSettings(raw: Obj, file: string, prefix: string, rules: readonly Rule[]): PathSettings {
  const at = (k: string) => (prefix ? `${prefix}.${k}` : k);
  const out: PathSettings = {};
  if (raw.rules !== undefined) {
    if (!isObj(raw.rules)) throw new ConfigError(file, at('rules'), 'expected an object mapping rule ids to off, info, warning or error');
    const known = ruleIds(rules);
    const settings: NonNullable<PathSettings['rules']> = {};
    for (const [id, sev] of Object.entries(raw.rules)) {
      const rule = known.get(id);
      if (!rule) {
        const hint = closest(id, [...known.keys()]);
        throw new ConfigError(file, at(`rules.${id}`), `unknown rule${hint ? ` (did you mean "${hint}"?)` : ''}; see \`pgsafe rules\``);
      }
      if (typeof sev !== 'string' || !SEVERITIES.includes(sev)) throw new ConfigError(file, at(`rules.${id}`), `expected off, info, warning or error, got ${JSON.stringify(sev)}`);
      // An alias may name several rules (squawk's require-timeout-settings): the setting applies to each.
      for (const r of rulesNamed(rules, id)) settings[r.meta.id] = sev as NonNullable<PathSettings['rules']>[string];
    }
    out.rules = settings;
  }
  if (raw.assumeInTransaction !== undefined) {
    if (typeof raw.assumeInTransaction !== 'boolean') throw new ConfigError(file, at('assumeInTransaction'), 'expected true or false');
    out.assumeInTransaction = raw.assumeInTransaction;
  }
  if (raw.framework !== undefined) {
    if (typeof raw.framework !== 'string' || !(FRAMEWORKS as readonly string[]).includes(raw.framework)) {
      throw new ConfigError(file, at('framework'), `expected one of ${FRAMEWORKS.join(', ')}, got ${JSON.stringify(raw.framework)}`);
    }
    out.framework = raw.framework as FrameworkName;
  }
  if (raw.placeholders !== undefined) {
    if (!isObj(raw.placeholders)) throw new ConfigError(file, at('placeholders'), 'expected an object mapping placeholder names to their values');
    for (const [k, v] of Object.entries(raw.placeholders)) {
      if (typeof v !== 'string') throw new ConfigError(file, at(`placeholders.${k}`), `expected a string value, got ${JSON.stringify(v)}`);
    }
    out.placeholders = raw.placeholders as Record<string, string>;
  }
  return out;
}

/** `"stats": "pgsafe-stats.json"` or `{ "file": …, "threshold": "1s" }`. */
function statsSetting(file: string, v: unknown): { file: string; threshold?: string } {
  if (typeof v === 'string' && v) return { file: v };
  if (isObj(v) && typeof v.file === 'string' && v.file && Object.keys(v).every((k) => k === 'file' || k === 'threshold')) {
    if (v.threshold !== undefined && (typeof v.threshold !== 'string' || !/^\d+(\.\d+)?\s*(ms|s|m|min)?$/.test(v.threshold))) throw new ConfigError(file, 'stats.threshold', 'expected a duration such as "1s" or "500ms"');
    return v.threshold === undefined ? { file: v.file } : { file: v.file, threshold: v.threshold };
  }
  throw new ConfigError(file, 'stats', 'expected a snapshot file name, or { "file": "pgsafe-stats.json", "threshold": "1s" }');
}
