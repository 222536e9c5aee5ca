// Secret masking at the output layer. Whatever produced a string (a reporter, a rule's help, the parser's error
// message, a --fix, a stack trace, the language server), it passes through `maskSecrets` on its way out, with the
// secrets found by shape in every text pgsafe read. It does not depend on any rule being enabled.
import { rememberedSecrets, rememberSecrets, secretShapes } from '../source/secrets.js';

/** Shorter values are masked in snippets and messages by position only (see engine/redact.ts), not by search. */
const MIN_SEARCH = 3;

export class SecretSet {
  private readonly own = new Set<string>();
  private ver = 0;
  constructor(private readonly shared?: () => { values: ReadonlySet<string>; version: number }) {}
  add(value: string): void {
    if (value && !this.own.has(value)) { this.own.add(value); this.ver++; }
  }
  get values(): string[] {
    return [...this.own, ...(this.shared?.().values ?? [])];
  }
  get version(): string {
    return `${this.ver}/${this.shared?.().version ?? 0}`;
  }
}

/** The secrets in `texts`, by shape: as written and decoded. */
export function collectSecrets(texts: Iterable<string>): SecretSet {
  const set = new SecretSet();
  for (const t of texts) {
    for (const s of secretShapes(t)) {
      set.add(t.slice(s.start, s.end));
      if (s.decoded !== undefined) set.add(s.decoded);
    }
  }
  return set;
}

/** Every secret found in any text pgsafe has read or linted in this process (files, stdin, editor documents). */
export function knownSecrets(): SecretSet {
  return known;
}
const known = new SecretSet(rememberedSecrets);

/** Adds the secrets of `text` to `knownSecrets()`, for texts that reach pgsafe by another way than a file read. */
export function noteSecrets(text: string): void {
  rememberSecrets(text);
}

/** The forms a value takes in output: as is, SQL-quoted, JSON-, XML- and annotation-escaped, URL-encoded. */
function forms(v: string): string[] {
  const out = new Set<string>([v]);
  out.add(v.replace(/'/g, "''"));
  out.add(v.replace(/\\/g, '\\\\'));
  out.add(JSON.stringify(v).slice(1, -1));
  out.add(v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'));
  out.add(v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
  out.add(v.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
  out.add(v.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/:/g, '%3A').replace(/,/g, '%2C'));
  out.add(v.replace(/\s+/g, ' '));
  try { out.add(encodeURIComponent(v)); } catch { /* lone surrogate */ }
  out.add(v.replace(/[|\\`*_[\]<>]/g, '\\$&'));
  return [...out].filter((f) => f.length >= MIN_SEARCH);
}

const cache = new WeakMap<SecretSet, { version: string; re: RegExp | null }>();

function patternOf(secrets: SecretSet): RegExp | null {
  const hit = cache.get(secrets);
  if (hit && hit.version === secrets.version) return hit.re;
  const all = new Set<string>();
  for (const v of secrets.values) for (const f of forms(v)) all.add(f);
  const list = [...all].sort((a, b) => b.length - a.length).map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = list.length ? new RegExp(list.join('|'), 'g') : null;
  cache.set(secrets, { version: secrets.version, re });
  return re;
}

/** `s` with every occurrence of a secret (in any of its output forms) replaced by `*`s of the same length. */
export function maskSecrets(s: string, secrets: SecretSet = known): string {
  const re = patternOf(secrets);
  if (!re || !s) return s;
  re.lastIndex = 0;
  return s.replace(re, (m) => '*'.repeat(m.length));
}

/** A JSON-like value with every string in it masked (LSP messages); returns the same object when nothing changed. */
export function maskDeep<T>(value: T, secrets: SecretSet = known, depth = 0): T {
  if (typeof value === 'string') return maskSecrets(value, secrets) as T;
  if (!value || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const m = maskDeep(v, secrets, depth + 1);
      if (m !== v) changed = true;
      return m;
    });
    return (changed ? out : value) as T;
  }
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const m = maskDeep(v, secrets, depth + 1);
    if (m !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = m;
  }
  return (out ?? value) as T;
}

interface Writable { write: (...args: any[]) => unknown }

/**
 * Makes every `write` to these streams pass through `maskSecrets`; returns a function that undoes it. The CLI
 * wraps its stdout and stderr this way, so no code path (a reporter, --fix, an error, a --debug stack) can skip it.
 */
export function maskWrites(streams: Writable[], secrets: SecretSet = known): () => void {
  const restore: (() => void)[] = [];
  for (const stream of streams) {
    const original = stream.write;
    const own = Object.prototype.hasOwnProperty.call(stream, 'write');
    stream.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
      const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : chunk;
      return original.call(stream, typeof text === 'string' ? maskSecrets(text, secrets) : text, ...rest);
    };
    restore.push(() => {
      if (own) stream.write = original;
      else delete (stream as Partial<Writable>).write;
    });
  }
  return () => { for (const r of restore) r(); };
}
