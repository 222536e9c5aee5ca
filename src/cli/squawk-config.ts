import type { Rule } from '../engine/rule.js';
import { ruleIds, type RuleSetting } from '../engine/engine.js';
import { UsageError } from '../project/errors.js';

/** squawk rule names that became more than one pgsafe rule. */
const SPLIT: Record<string, string[]> = {
  'prefer-big-int': ['prefer-bigint-over-int', 'prefer-bigint-over-smallint'],
  'require-timeout-settings': ['require-lock-timeout', 'require-statement-timeout'],
};

type TomlValue = string | number | boolean | TomlValue[] | { [k: string]: TomlValue };

/**
 * The part of TOML a `.squawk.toml` uses: `[table]` headers, `key = value` with strings, numbers, booleans and
 * (multi-line) arrays, and comments. Anything else is an error naming the line, never a guess.
 */
export function parseSquawkToml(text: string, file: string): Record<string, TomlValue> {
  const out: Record<string, TomlValue> = {};
  let table = out;
  let i = 0;
  let line = 1;
  const fail = (msg: string): never => {
    throw new UsageError(`${file}:${line}: ${msg}`);
  };
  const skipSpace = (newlines: boolean) => {
    for (;;) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\r') i++;
      else if (c === '\n' && newlines) {
        i++;
        line++;
      } else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
      else return;
    }
  };
  const value = (): TomlValue => {
    const c = text[i];
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0 || text.slice(i, end).includes('\n')) fail('unterminated string');
      const raw = text.slice(i + 1, end);
      i = end + 1;
      return c === '"' ? raw.replace(/\\(["\\nt])/g, (_, e: string) => ({ n: '\n', t: '\t' })[e] ?? e) : raw;
    }
    if (c === '[') {
      i++;
      const items: TomlValue[] = [];
      for (;;) {
        skipSpace(true);
        if (text[i] === ']') {
          i++;
          return items;
        }
        items.push(value());
        skipSpace(true);
        if (text[i] === ',') i++;
        else if (text[i] !== ']') fail('expected , or ] in an array');
      }
    }
    const m = /^(true|false|[+-]?\d+(?:\.\d+)?)/.exec(text.slice(i));
    if (!m) return fail(`unsupported value starting "${text.slice(i, i + 12).split('\n')[0]}"`);
    i += m[0].length;
    return m[1] === 'true' ? true : m[1] === 'false' ? false : Number(m[1]);
  };
  for (;;) {
    skipSpace(true);
    if (i >= text.length) return out;
    const header = /^\[([A-Za-z0-9_.-]+)\][ \t]*/.exec(text.slice(i));
    if (header) {
      i += header[0].length;
      table = {};
      out[header[1]] = table;
    } else {
      const key = /^([A-Za-z0-9_-]+)[ \t]*=[ \t]*/.exec(text.slice(i));
      if (!key) fail('expected `key = value` or a [table] header');
      i += key![0].length;
      table[key![1]] = value();
    }
    skipSpace(false);
    if (i < text.length && text[i] !== '\n') fail('unexpected text after the value');
  }
}

export interface SquawkConversion {
  /** pgsafe config keys: pgVersion, assumeInTransaction, exclude, rules. */
  config: { pgVersion?: number; assumeInTransaction?: boolean; exclude?: string[]; rules?: Record<string, RuleSetting> };
  /** One line per squawk setting: what it became, or why it was left out. */
  notes: string[];
}

function strings(v: TomlValue | undefined, key: string, file: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new UsageError(`${file}: ${key}: expected an array of strings`);
  return v as string[];
}

/** Converts a parsed `.squawk.toml` into pgsafe config keys (squawk's settings: https://squawkhq.com/docs/cli). */
export function convertSquawk(toml: Record<string, TomlValue>, rules: readonly Rule[], file: string): SquawkConversion {
  const byId = ruleIds(rules);
  const config: SquawkConversion['config'] = {};
  const notes: string[] = [];
  const pgsafeIds = (name: string): string[] => SPLIT[name] ?? (byId.has(name) ? [byId.get(name)!.meta.id] : []);
  const setRules = (names: string[], key: string, level: (r: Rule) => RuleSetting) => {
    for (const name of names) {
      const ids = pgsafeIds(name);
      if (ids.length === 0) {
        notes.push(`${key}: "${name}" has no pgsafe rule; left out`);
        continue;
      }
      config.rules ??= {};
      for (const id of ids) config.rules[id] = level(byId.get(id)!);
      notes.push(`${key}: ${name} → rules ${ids.map((id) => `"${id}": "${config.rules![id]}"`).join(', ')}`);
    }
  };

  for (const [key, v] of Object.entries(toml)) {
    switch (key) {
      case 'excluded_rules':
        setRules(strings(v, key, file), key, () => 'off');
        break;
      case 'included_rules':
        setRules(strings(v, key, file), key, (r) => r.meta.defaultSeverity);
        break;
      case 'pg_version': {
        const m = typeof v === 'string' || typeof v === 'number' ? /^(\d+)(?:\.\d+){0,2}$/.exec(String(v)) : null;
        if (!m) throw new UsageError(`${file}: pg_version: expected a version such as "13.0", got ${JSON.stringify(v)}`);
        config.pgVersion = Number(m[1]);
        notes.push(`pg_version: ${String(v)} → pgVersion ${config.pgVersion}`);
        break;
      }
      case 'assume_in_transaction':
        if (typeof v !== 'boolean') throw new UsageError(`${file}: assume_in_transaction: expected true or false`);
        config.assumeInTransaction = v;
        notes.push(`assume_in_transaction: ${v} → assumeInTransaction ${v}`);
        break;
      case 'excluded_paths': {
        // squawk matches these against the paths it is given; a bare file name matches at any depth in pgsafe too.
        const globs = strings(v, key, file).map((p) => p.replace(/^\.\//, '')).map((p) => (p.includes('/') ? p : `**/${p}`));
        config.exclude = globs;
        notes.push(`excluded_paths → exclude ${JSON.stringify(globs)}`);
        break;
      }
      case 'upload_to_github':
        notes.push('upload_to_github: pgsafe has no upload command; the GitHub Action\'s fail-on input (or --fail-on) decides the exit code');
        break;
      default:
        notes.push(`${key}: not a squawk setting pgsafe knows; left out`);
    }
  }
  return { config, notes };
}
