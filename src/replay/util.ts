import { randomBytes } from 'node:crypto';
import { LOCK_MODES, type LockMode } from '../analysis/locks.js';
import { quoteIdent } from '../analysis/names.js';
import { rememberValues } from '../source/secrets.js';

/** An error whose message is meant for the user as is (exit code 2, no stack). */
export class ReplayUsageError extends Error {
  override name = 'ReplayUsageError';
}

/** The password of a connection URL, decoded, as a driver may echo it (an unencoded `@` in it included). */
export function urlPassword(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.password) return decodeURIComponent(u.password);
  } catch {
    // not a URL: the part between `user:` and the last `@`
  }
  return /:\/\/[^:/@]*:(.*)@[^@]*$/.exec(url)?.[1] || undefined;
}

/**
 * Adds the passwords of these URLs (as written and decoded) to the secrets every output of pgsafe masks
 * (src/source/secrets.ts feeds src/report/mask.ts): replay has no masker of its own.
 */
export function rememberUrlPasswords(urls: (string | undefined)[]): void {
  const values: string[] = [];
  for (const url of urls) {
    if (!url) continue;
    const pw = urlPassword(url);
    if (pw) values.push(pw);
    const written = /:\/\/[^:/@]*:(.*)@[^@]*$/.exec(url)?.[1];
    if (written) values.push(written);
  }
  rememberValues(values);
}

/** A connection URL fit to print: its password replaced by `****`, whatever its length or characters. */
export function displayUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)(.*)@([^@]*)$/i, '$1****@$3');
}

export function randomSuffix(bytes = 4): string {
  return randomBytes(bytes).toString('hex');
}

/** Rank of a table lock mode as pg_locks spells it (0 for anything else), in analysis's strength order. */
export function lockStrength(mode: string): number {
  return LOCK_MODES.indexOf(mode as LockMode) + 1;
}

export function ms(n: number): string {
  if (n >= 1000) return `${(n / 1000).toFixed(n >= 10_000 ? 1 : 2)} s`;
  if (n >= 10 || Number.isInteger(n)) return `${Math.round(n)} ms`;
  return `${n.toFixed(1)} ms`;
}

/** A relation as users write it: `public` left out, quoted only where needed. */
export function displayName(schema: string, name: string): string {
  return schema === 'public' ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

export function quoteLiteral(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** One line, no stack. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** A relation name (as displayName gives it) in a message: in double quotes unless it already carries its own. */
export function quoted(name: string | undefined): string {
  return name === undefined ? '' : name.includes('"') ? name : `"${name}"`;
}
