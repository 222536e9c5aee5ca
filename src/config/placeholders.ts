// Placeholders in migration text: Flyway `${name}` and Go templates
// (`{{ index .Options "Namespace" }}`, as in supabase/auth). They are replaced
// by values from the config before parsing; an offset map turns positions in
// the substituted text back into the file's own, so reported lines and columns
// are exact even when a value is shorter or longer than its placeholder.
import type { Span } from '../analysis/types.js';

export interface Replacement {
  /** Where the placeholder is in the original text. */
  start: number;
  end: number;
  /** What was put in its place. */
  value: string;
  /** As written: `${schema}`, `{{ index .Options "Namespace" }}`. */
  raw: string;
  /** The key looked up. */
  name: string;
  syntax: 'flyway' | 'go-template';
  /** No value was configured: `value` is a stand-in so the statement still parses. */
  unresolved: boolean;
}

export interface Substituted {
  text: string;
  replacements: Replacement[];
  /** Maps an offset in `text` to the original text; inside a replacement it goes to the placeholder's start (`'start'`) or end (`'end'`). */
  toOriginal(offset: number, side: 'start' | 'end'): number;
  /** True when a span of `text` overlaps a replaced placeholder. */
  touches(span: Span): boolean;
}

const GO = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
const FLYWAY = /\$\{([A-Za-z_][\w.:-]*)\}/g;

/** The names a Go template expression can be configured under: the whole expression, then its last quoted string or field. */
function goKeys(expr: string): string[] {
  const norm = expr.replace(/\s+/g, ' ').trim();
  const keys = [norm];
  const quoted = [...norm.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  if (quoted.length) keys.push(quoted[quoted.length - 1]);
  const fields = [...norm.matchAll(/\.([A-Za-z_]\w*)/g)].map((m) => m[1]);
  if (fields.length) keys.push(fields[fields.length - 1]);
  return keys;
}

function standIn(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_');
  return s || 'placeholder';
}

/**
 * Replaces placeholders. Go templates are replaced wherever they appear
 * (unknown ones with a stand-in identifier, reported as unresolved); Flyway
 * `${name}` only when `flyway` is set or the name has a configured value.
 */
export function substitutePlaceholders(text: string, values: Record<string, string>, opts: { flyway: boolean }): Substituted {
  const found: Replacement[] = [];
  if (text.includes('{{')) {
    for (const m of text.matchAll(GO)) {
      // `{{"a": 1}}` in a JSON literal is not a template: templates start with an action word, `.`, `$` or `-`.
      if (!/^[.$A-Za-z(]/.test(m[1])) continue;
      const keys = goKeys(m[1]);
      const key = keys.find((k) => Object.hasOwn(values, k) || Object.hasOwn(values, `{{${k}}}`));
      const name = key ?? keys[1] ?? keys[0];
      const value = key !== undefined ? (Object.hasOwn(values, key) ? values[key] : values[`{{${key}}}`]) : standIn(name);
      found.push({ start: m.index!, end: m.index! + m[0].length, value, raw: m[0], name, syntax: 'go-template', unresolved: key === undefined });
    }
  }
  if (text.includes('${')) {
    for (const m of text.matchAll(FLYWAY)) {
      const name = m[1];
      const has = Object.hasOwn(values, name);
      if (!has && !opts.flyway) continue;
      if (found.some((f) => f.start < m.index! + m[0].length && f.end > m.index!)) continue;
      found.push({ start: m.index!, end: m.index! + m[0].length, value: has ? values[name] : standIn(name), raw: m[0], name, syntax: 'flyway', unresolved: !has });
    }
  }
  found.sort((a, b) => a.start - b.start);
  if (found.length === 0) return { text, replacements: [], toOriginal: (o) => o, touches: () => false };

  let out = '';
  let last = 0;
  // Parallel arrays: where each replacement starts and ends in the new text.
  const newStart: number[] = [];
  const newEnd: number[] = [];
  for (const r of found) {
    out += text.slice(last, r.start);
    newStart.push(out.length);
    out += r.value;
    newEnd.push(out.length);
    last = r.end;
  }
  out += text.slice(last);

  const toOriginal = (o: number, side: 'start' | 'end'): number => {
    // The last replacement starting at or before o.
    let lo = 0;
    let hi = found.length - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (newStart[mid] <= o) { k = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (k < 0) return o;
    const r = found[k];
    if (o >= newEnd[k]) return r.end + (o - newEnd[k]);
    if (o === newStart[k]) return r.start;
    return side === 'start' ? r.start : r.end;
  };
  const touches = (s: Span) => found.some((_, i) => s.start < newEnd[i] && s.end > newStart[i]) || found.some((_, i) => s.start === s.end && s.start > newStart[i] && s.start < newEnd[i]);
  return { text: out, replacements: found, toOriginal, touches };
}
