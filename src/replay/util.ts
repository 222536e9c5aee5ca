import { randomBytes } from 'node:crypto';
import { LOCK_MODES, type LockMode } from '../analysis/locks.js';
import { quoteIdent } from '../analysis/names.js';

/** An error whose message is meant for the user as is (exit code 2, no stack). */
export class ReplayUsageError extends Error {
  override name = 'ReplayUsageError';
}

/** Replaces the password of every `scheme://user:password@host` URL (and `password=` keyword) in a text. */
export function maskSecrets(text: string, extra: string[] = []): string {
  // Up to the last `@` of the URL: a password may hold an unencoded `@` (`p@ss@host`), and none of it may show.
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)(\S*)@/gi, (_m, pre: string) => `${pre}****@`);
  out = out.replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, '$1****');
  for (const secret of extra) {
    if (secret && secret.length >= 3) out = out.split(secret).join('****');
  }
  return out;
}

/** Extracts the password from a connection URL (to mask it even where a driver echoes it unencoded). */
export function urlPassword(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.password ? decodeURIComponent(u.password) : undefined;
  } catch {
    const m = /:\/\/[^:/@]*:([^@]*)@/.exec(url);
    return m?.[1];
  }
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
