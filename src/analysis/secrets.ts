// Literal credentials in SQL: role passwords, user mapping options, connection strings, secret settings. Used by the
// ban-plaintext-secret rule, and by anything that prints SQL from a migration (replay, rollback check) to mask them.
import type { SourceStatement } from '../source/index.js';
import type { Span } from './types.js';
import { isPlaceholder, SECRET_HINT, secretShapes } from '../source/secrets.js';

export type SecretKind = 'role' | 'roleHash' | 'mapping' | 'conninfo' | 'setting';

export interface Secret {
  kind: SecretKind;
  value: string;
  /** Where to start looking for it in the statement text (a node location), when known. */
  from?: number;
  /** For messages: the role, server or setting it belongs to. Never the secret. */
  owner: string;
}

export { isPlaceholder, SECRET_HINT } from '../source/secrets.js';

const SECRET_OPTION = /^(password|passwd|sslpassword|passphrase|secret|token|api_?key)$/i;
const SECRET_SETTING = /(password|passwd|secret|token|api_?key|credential|private_?key)/i;
const CONNINFO_KEY = /(?:^|\s)(?:host|hostaddr|dbname|user|port|sslmode|application_name)\s*=/i;
const CONNINFO_PASSWORD = /(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/gi;
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s'"]+:([^@\s/'"]+)@/gi;

/** Passwords inside a string: libpq keyword/value connection strings and `scheme://user:password@host` URLs. */
function passwordsInString(s: string): string[] {
  const out: string[] = [];
  if (CONNINFO_KEY.test(s) || /^\s*password\s*=/i.test(s)) {
    for (const m of s.matchAll(CONNINFO_PASSWORD)) {
      const raw = m[1];
      const v = raw.startsWith("'") ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
      if (!isPlaceholder(v)) out.push(v);
    }
  }
  for (const m of s.matchAll(URL_PASSWORD)) {
    let v = m[1];
    try {
      v = decodeURIComponent(v);
    } catch {
      // keep as written
    }
    if (!isPlaceholder(v) && !isPlaceholder(m[1])) out.push(m[1]);
  }
  return out;
}

function roleName(n: any): string {
  return n?.role?.rolename ?? n?.role ?? (n?.role?.roletype === 'ROLESPEC_CURRENT_USER' ? 'CURRENT_USER' : 'the role');
}

function optionSecrets(options: any[] | undefined, kind: SecretKind, owner: string, out: Secret[]): void {
  for (const o of options ?? []) {
    const d = o?.DefElem;
    if (!d || !SECRET_OPTION.test(String(d.defname ?? ''))) continue;
    const v = d.arg?.String?.sval;
    if (typeof v !== 'string' || isPlaceholder(v)) continue;
    // A pre-hashed password (md5…, SCRAM-SHA-256$…) is still a credential: md5 hashes log in as they are.
    const hashed = kind === 'role' && (/^md5[0-9a-f]{32}$/i.test(v) || /^SCRAM-SHA-256\$/.test(v));
    out.push({ kind: hashed ? 'roleHash' : kind, value: v, from: d.location, owner });
  }
}

function settingSecrets(set: any, out: Secret[]): void {
  if (!set || set.kind !== 'VAR_SET_VALUE') return;
  const name = String(set.name ?? '');
  for (const a of set.args ?? []) {
    const v = a?.A_Const?.sval?.sval;
    if (typeof v !== 'string') continue;
    if (SECRET_SETTING.test(name) && !isPlaceholder(v)) out.push({ kind: 'setting', value: v, from: a.A_Const.location, owner: name });
    else for (const p of passwordsInString(v)) out.push({ kind: 'setting', value: p, from: a.A_Const.location, owner: name });
  }
}

/** String constants anywhere in the statement: connection strings passed to dblink, CREATE SUBSCRIPTION, FDW options. */
function stringSecrets(node: any, out: Secret[], seen: Set<string>): void {
  const visit = (x: any, depth: number, loc?: number) => {
    if (!x || typeof x !== 'object' || depth > 80) return;
    if (Array.isArray(x)) {
      for (const y of x) visit(y, depth + 1, loc);
      return;
    }
    const here = typeof x.location === 'number' ? x.location : loc;
    for (const [k, v] of Object.entries(x)) {
      if (typeof v === 'string' && (k === 'sval' || k === 'conninfo') && v.length > 8) {
        for (const p of passwordsInString(v)) {
          if (seen.has(p)) continue;
          seen.add(p);
          out.push({ kind: 'conninfo', value: p, from: here, owner: 'connection string' });
        }
      } else if (v && typeof v === 'object') visit(v, depth + 1, here);
    }
  };
  visit(node, 0);
}

export function findSecrets(kind: string, n: any): Secret[] {
  const out: Secret[] = [];
  switch (kind) {
    case 'CreateRoleStmt':
      optionSecrets(n.options, 'role', n.role ?? 'the role', out);
      break;
    case 'AlterRoleStmt':
      optionSecrets(n.options, 'role', roleName(n), out);
      break;
    case 'CreateUserMappingStmt':
    case 'AlterUserMappingStmt':
      optionSecrets(n.options, 'mapping', `${n.user?.rolename ?? (n.user?.roletype === 'ROLESPEC_PUBLIC' ? 'PUBLIC' : 'the user')}" on server "${n.servername ?? ''}`, out);
      break;
    case 'CreateForeignServerStmt':
    case 'AlterForeignServerStmt':
      optionSecrets(n.options, 'conninfo', `server ${n.servername ?? ''}`, out);
      break;
    case 'VariableSetStmt':
      settingSecrets(n, out);
      break;
    case 'AlterSystemStmt':
    case 'AlterRoleSetStmt':
    case 'AlterDatabaseSetStmt':
      settingSecrets(n.setstmt, out);
      break;
  }
  const seen = new Set(out.map((s) => s.value));
  stringSecrets(n, out, seen);
  return out;
}

/** Where the secret's characters are in the file: searched in the statement's text as written (quotes doubled). */
export function locateSecret(src: SourceStatement, s: Secret): Span {
  const from = s.from !== undefined ? Math.max(0, src.toOffset(s.from) - src.start) : 0;
  for (const form of [s.value, s.value.replace(/'/g, "''"), s.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")]) {
    let i = src.text.indexOf(form, from);
    if (i < 0) i = src.text.indexOf(form);
    if (i >= 0) return { start: src.start + i, end: src.start + i + form.length };
  }
  // Not found as written (an escape form pgsafe does not reproduce): hide the whole statement rather than leak it.
  return { start: src.start, end: src.end };
}

/**
 * Secrets in a statement pgsafe could not parse (a typo, an unterminated quote, a psql variable elsewhere in it),
 * found by their shape alone (see source/secrets.ts). Offsets are into `text`.
 */
export function lexicalSecrets(text: string): Span[] {
  return secretShapes(text).map((s) => ({ start: s.start, end: s.end }));
}

/** Where the secrets of a statement are (file offsets): from its AST, or by shape when it did not parse. */
export function secretSpans(stmt: SourceStatement): Span[] {
  if (stmt.node) return findSecrets(stmt.kind, stmt.node).map((s) => locateSecret(stmt, s));
  if (!SECRET_HINT.test(stmt.text)) return [];
  return lexicalSecrets(stmt.text).map((r) => ({ start: stmt.start + r.start, end: stmt.start + r.end }));
}

/** The statement's SQL with every secret character replaced by `*`: safe to print. */
export function redactSql(stmt: SourceStatement): string {
  let out = stmt.text;
  for (const r of secretSpans(stmt)) {
    const from = Math.max(0, r.start - stmt.start);
    const to = Math.min(out.length, r.end - stmt.start);
    if (to > from) out = out.slice(0, from) + '*'.repeat(to - from) + out.slice(to);
  }
  return out;
}
