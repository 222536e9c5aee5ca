// How deeply a statement nests, estimated from its text alone. The parser recurses once per level of nesting
// (parentheses, subqueries) and per operator in a chain (`1+1+1…`, `'a'||'a'||…`); past a few thousand levels
// it overflows its stack. Statements over the limit are not given to the parser at all: they are reported as
// nesting too deeply, at the place where the limit was crossed.

/** Levels of nesting the parser is trusted with (it overflows at about 3,000 nested subqueries). */
export const MAX_NESTING = 2000;

const OPERATOR = new Set([43, 45, 42, 47, 37, 94, 124, 38, 60, 62, 61, 35, 126, 33, 64]); // + - * / % ^ | & < > = # ~ ! @

/** The offset where `text[start, end)` first nests deeper than `limit`, or -1. Linear; quotes and comments skipped. */
export function tooDeepAt(text: string, start: number, end: number, limit = MAX_NESTING): number {
  if (end - start <= limit) return -1;
  // Per open parenthesis: the operators chained since the last comma at that level.
  const chain: number[] = [0];
  let total = 0;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 39 || c === 34) {
      const j = text.indexOf(String.fromCharCode(c), i + 1);
      i = j < 0 || j >= end ? end : j + 1;
      continue;
    }
    if (c === 36) {
      const m = /^\$[A-Za-z_]?[A-Za-z0-9_]*\$/.exec(text.slice(i, i + 64));
      if (m && !(i > 0 && /[A-Za-z0-9_]/.test(text[i - 1]))) {
        const j = text.indexOf(m[0], i + m[0].length);
        i = j < 0 || j >= end ? end : j + m[0].length;
        continue;
      }
    }
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      const j = text.indexOf('\n', i);
      i = j < 0 || j >= end ? end : j;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const j = text.indexOf('*/', i + 2);
      i = j < 0 || j >= end ? end : j + 2;
      continue;
    }
    if (c === 40 || c === 91) {
      chain.push(0);
      total++;
    } else if (c === 41 || c === 93) {
      if (chain.length > 1) total -= 1 + chain.pop()!;
    } else if (c === 44 || c === 59) {
      total -= chain[chain.length - 1];
      chain[chain.length - 1] = 0;
    } else if (OPERATOR.has(c)) {
      // A run of operator characters (`||`, `<=`, `->>`) is one operator.
      while (i + 1 < end && OPERATOR.has(text.charCodeAt(i + 1))) i++;
      chain[chain.length - 1]++;
      total++;
    } else if ((c | 32) === 97 || (c | 32) === 111) {
      // AND / OR build flat lists, not chains.
      const w = text.slice(i, i + 4).toLowerCase();
      if ((/^and\b/.test(w) || /^or\b/.test(w)) && !(i > 0 && /[A-Za-z0-9_$]/.test(text[i - 1]))) {
        total -= chain[chain.length - 1];
        chain[chain.length - 1] = 0;
      }
    }
    if (total > limit) return i;
    i++;
  }
  return -1;
}
