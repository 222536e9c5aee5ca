// Credentials found by their shape in raw text, with no parser and no rule: what every output of pgsafe must mask.
// It works on any text (a broken statement, a DO body, a whole file), so a password is found even when the
// statement does not parse, when its quote never closes, or when the rule that reports it is off or ignored.

export interface SecretSpan {
  /** Offsets in the scanned text of the secret as written. */
  start: number;
  end: number;
  /** The value after unescaping (E'', U&'', doubled quotes, %-encoding), when it differs from the text as written. */
  decoded?: string;
}

/** Framework placeholders substituted at deploy time, and psql variables: not secrets. */
export function isPlaceholder(v: string): boolean {
  const t = v.trim();
  return t === '' || /^\$\{[^}]*\}$/.test(t) || /^\{\{.*\}\}$/s.test(t) || /^:['"]?[A-Za-z_]\w*['"]?$/.test(t) || /^%\([^)]+\)s$/.test(t) || /^\$[A-Z_][A-Z0-9_]*$/.test(t);
}

/** Cheap test: could `text` hold a credential at all? */
export const SECRET_HINT = /passw|secret|token|api_?key|passphrase|:\/\/[^\s@]*:[^\s@]*@/i;

const KEYWORD = /\b(?:password|passwd|sslpassword|passphrase)\b/gi;
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s'"]+:([^@\s/'"]+)@/dgi;
const SETTING = /\b[\w.]*(?:secret|token|api_?key|credential|private_?key)[\w.]*\s*(?:=|\bto\b)\s*(?=[EeUu$'])/gi;
const ROLE_CONTEXT = /\b(?:create|alter)\s+(?:role|user|group)\b/i;
const CONNINFO_KEY = /\b(?:host|hostaddr|dbname|user|port|sslmode|application_name)\s*=/i;
const NOT_A_VALUE = /^(?:null|text|varchar|character|char|bytea|citext|varying|not|default|unique|primary|references|check|constraint|collate|generated|is|in|like|from|where|and|or|then|else|end|as|on|set|to|integer|int|bigint|boolean|valid|until)$/i;

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
/** No secret is longer; bounds the work per match so the scan stays linear. */
const MAX_VALUE = 4096;

type Add = (start: number, end: number, decoded?: string) => void;

/**
 * Every credential in `text` by shape: a password keyword followed by a literal (quoted, `E''`, `U&''`,
 * dollar-quoted, doubled quotes inside a quoted body, unterminated, or a bare word in a role statement), the
 * string arguments of `format('… PASSWORD %L', …)`, `password=` in connection strings, `user:password@` in URLs,
 * and literals assigned to settings named like secrets. Linear in the text's length.
 */
export function secretShapes(text: string): SecretSpan[] {
  if (!SECRET_HINT.test(text)) return [];
  const out: SecretSpan[] = [];
  const add: Add = (start, end, decoded) => {
    if (end <= start) return;
    const raw = text.slice(start, end);
    if (isPlaceholder(raw) || (decoded !== undefined && isPlaceholder(decoded))) return;
    out.push(decoded !== undefined && decoded !== raw ? { start, end, decoded } : { start, end });
  };
  for (const m of text.matchAll(KEYWORD)) {
    let i = m.index + m[0].length;
    while (isSpace(text[i])) i++;
    const eq = text[i] === '=';
    if (eq) {
      i += text[i + 1] === '>' ? 2 : 1;
      while (isSpace(text[i])) i++;
    }
    if (/^%[sLI]/.test(text.slice(i, i + 2))) {
      formatArguments(text, i, add);
      continue;
    }
    // psql variables (`:'app_password'`, `:pw`) are filled in at deploy time.
    if (text[i] === ':' && text[i + 1] !== ':') continue;
    if (literal(text, i, add) >= 0) continue;
    // A bare value: `password=S3cr3t` in a connection string, or `PASSWORD S3cr3t` in a role statement.
    let j = i;
    while (j < text.length && j - i < MAX_VALUE && !isSpace(text[j]) && !`'";,()`.includes(text[j])) j++;
    const word = text.slice(i, j);
    if (!word || NOT_A_VALUE.test(word) || /^\$\d+$/.test(word) || text[j] === '(') continue;
    const before = text.slice(Math.max(0, m.index - 400), m.index);
    const context = eq
      ? CONNINFO_KEY.test(before.slice(-200)) || CONNINFO_KEY.test(text.slice(j, j + 200)) || /['"]\s*$/.test(before)
      : ROLE_CONTEXT.test(before.slice(before.lastIndexOf(';') + 1));
    if (context) add(i, j);
  }
  for (const m of text.matchAll(URL_PASSWORD)) {
    const [s, e] = m.indices![1]!;
    let decoded: string | undefined;
    try { decoded = decodeURIComponent(m[1]); } catch { /* keep as written */ }
    add(s, e, decoded);
  }
  for (const m of text.matchAll(SETTING)) literal(text, m.index + m[0].length, add);
  return out;
}

/**
 * The literal at `i` (`'…'`, `''…''` inside a quoted body, `E'…'`, `U&'…'`, `$tag$…$tag$`), passed to `add`.
 * An unterminated one runs to the end of its line. Returns the offset after it, or -1 when none starts at `i`.
 */
function literal(text: string, i: number, add: Add): number {
  let c = text[i];
  let escapes = false;
  let unicode = false;
  if ((c === 'E' || c === 'e') && text[i + 1] === "'") { escapes = true; i++; c = "'"; }
  else if ((c === 'U' || c === 'u') && text[i + 1] === '&' && text[i + 2] === "'") { unicode = true; i += 2; c = "'"; }
  if (c === '$') {
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 66));
    if (!m) return -1;
    const from = i + m[0].length;
    const close = text.indexOf(m[0], from);
    const end = close < 0 || close - from > MAX_VALUE ? lineEnd(text, from) : close;
    add(from, end);
    return close < 0 ? end : close + m[0].length;
  }
  if (c !== "'") return -1;
  // `''…''`: a literal inside a single-quoted body (EXECUTE 'ALTER ROLE a PASSWORD ''x''').
  const next = text[i + 2];
  if (text[i + 1] === "'" && next !== undefined && next !== "'" && !isSpace(next) && next !== ',' && next !== ')' && next !== ';') {
    const from = i + 2;
    const close = text.indexOf("''", from);
    const end = close < 0 || close - from > MAX_VALUE ? lineEnd(text, from) : close;
    add(from, end);
    return end + 2;
  }
  const from = i + 1;
  let j = from;
  let decoded = '';
  let closed = false;
  while (j < text.length && j - from < MAX_VALUE) {
    const ch = text[j];
    if (escapes && ch === '\\') { decoded += unescapeChar(text[j + 1]); j += 2; continue; }
    if (ch === "'") {
      if (text[j + 1] === "'") { decoded += "'"; j += 2; continue; }
      closed = true;
      break;
    }
    decoded += ch;
    j++;
  }
  if (!closed) {
    add(from, lineEnd(text, from));
    return j;
  }
  // A literal that runs over lines may be an unterminated one that found a later quote: its first line is what a
  // parser message or a snippet quotes, so that is a secret value too.
  const nl = text.indexOf('\n', from);
  if (nl >= 0 && nl < j) add(from, lineEnd(text, from));
  if (unicode) decoded = decoded.replace(/\\(\+[0-9a-fA-F]{6}|[0-9a-fA-F]{4})/g, (_, h: string) => codePoint(parseInt(h.replace('+', ''), 16)));
  add(from, j, decoded);
  return j + 1;
}

function unescapeChar(c: string | undefined): string {
  return c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === 'b' ? '\b' : c === 'f' ? '\f' : c ?? '';
}

function codePoint(n: number): string {
  try { return String.fromCodePoint(n); } catch { return ''; }
}

/** End of the line from `from`, trailing blanks excluded: what an unterminated literal holds on its line. */
function lineEnd(text: string, from: number): number {
  let j = from;
  while (j < text.length && j - from < MAX_VALUE && text[j] !== '\n' && text[j] !== '\r') j++;
  while (j > from && isSpace(text[j - 1])) j--;
  return j;
}

/** `format('… PASSWORD %L', 'S3cr3t')`: the string arguments after the format string, up to the call's `)`. */
function formatArguments(text: string, i: number, add: Add): void {
  // The end of the format string: its closing quote (doubled quotes skipped).
  let j = i;
  while (j < text.length && j - i < MAX_VALUE) {
    if (text[j] === "'" && text[j + 1] === "'") { j += 2; continue; }
    if (text[j] === "'") break;
    j++;
  }
  let depth = 0;
  for (let k = j + 1; k < text.length && k - j < MAX_VALUE; k++) {
    const c = text[k];
    if (c === '(') depth++;
    else if (c === ')') { if (depth-- === 0) return; }
    else if (c === ';') return;
    else if (c === "'" || c === '$' || ((c === 'E' || c === 'e') && text[k + 1] === "'")) {
      const end = literal(text, k, add);
      if (end > k) k = end - 1;
    }
  }
}

// Every text pgsafe reads is scanned once (see read.ts and the engine); the values found are what output sinks
// mask. Bounded, oldest first out: a value still in a file comes back on the next scan.
const registry = new Set<string>();
const REGISTRY_LIMIT = 20_000;
let version = 0;

/** Remembers the secrets of `text`; returns the values found (as written and decoded). */
export function rememberSecrets(text: string): string[] {
  const found: string[] = [];
  for (const s of secretShapes(text)) {
    found.push(text.slice(s.start, s.end));
    if (s.decoded !== undefined) found.push(s.decoded);
  }
  rememberValues(found);
  return found;
}

export function rememberValues(values: Iterable<string>): void {
  for (const value of values) {
    if (!value) continue;
    // A slice of a long string keeps all of it alive (V8's sliced strings): an editor's every version of a
    // 10 MB document would stay in memory through the secret it holds. Keep a copy of the value only.
    const v = value.length >= 13 ? Buffer.from(value, 'utf16le').toString('utf16le') : value;
    if (registry.has(v)) { registry.delete(v); registry.add(v); continue; }
    registry.add(v);
    version++;
    if (registry.size > REGISTRY_LIMIT) registry.delete(registry.values().next().value!);
  }
}

/** The remembered secret values, and a counter that changes when they do. */
export function rememberedSecrets(): { values: ReadonlySet<string>; version: number } {
  return { values: registry, version };
}
