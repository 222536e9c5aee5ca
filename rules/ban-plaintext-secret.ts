import { quoteIdent } from '../src/analysis/names.js';
import type { AnalysedStatement, Span } from '../src/analysis/types.js';
import { defineRule } from '../src/engine/rule.js';
import { parseSource } from '../src/source/index.js';

type Kind = 'role' | 'roleHash' | 'mapping' | 'conninfo' | 'setting';

interface Secret {
  kind: Kind;
  value: string;
  /** Where to start looking for it in the statement text (a node location), when known. */
  from?: number;
  /** For messages: the role, server or setting it belongs to. Never the secret. */
  owner: string;
}

/** Framework placeholders substituted at deploy time, and psql variables: not secrets. */
export function isPlaceholder(v: string): boolean {
  const t = v.trim();
  return t === '' || /^\$\{[^}]*\}$/.test(t) || /^\{\{.*\}\}$/s.test(t) || /^:['"]?[A-Za-z_]\w*['"]?$/.test(t) || /^%\([^)]+\)s$/.test(t) || /^\$[A-Z_][A-Z0-9_]*$/.test(t);
}

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

function optionSecrets(options: any[] | undefined, kind: Kind, owner: string, out: Secret[]): void {
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
function locate(stmt: AnalysedStatement, s: Secret): Span {
  const src = stmt.source;
  const from = s.from !== undefined ? Math.max(0, src.toOffset(s.from) - src.start) : 0;
  for (const form of [s.value, s.value.replace(/'/g, "''"), s.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")]) {
    let i = src.text.indexOf(form, from);
    if (i < 0) i = src.text.indexOf(form);
    if (i >= 0) return { start: src.start + i, end: src.start + i + form.length };
  }
  // Not found as written (an escape form pgsafe does not reproduce): hide the whole statement rather than leak it.
  return { start: src.start, end: src.end };
}

const HINT = /passw|secret|token|api_?key|:\/\/[^\s@]*:[^\s@]*@/i;

/**
 * Secrets in a statement pgsafe could not parse (a typo, a psql variable elsewhere in it), found by their shape alone:
 * `PASSWORD '…'`, `password '…'` options, `password=…` and `user:password@` in strings. Offsets are into `text`.
 */
export function lexicalSecrets(text: string): Span[] {
  const out: Span[] = [];
  const add = (m: RegExpExecArray) => {
    const [start, end] = m.indices![1]!;
    if (!isPlaceholder(m[1].replace(/''/g, "'"))) out.push({ start, end });
  };
  for (const m of text.matchAll(/\b(?:password|passwd)\s+'((?:[^']|'')*)'/dgi)) add(m as RegExpExecArray);
  for (const m of text.matchAll(/\bpassword\s*=\s*([^\s'",)]+)/dgi)) add(m as RegExpExecArray);
  for (const m of text.matchAll(/:\/\/[^:/?#@\s'"]+:([^@\s/'"]+)@/dg)) add(m as RegExpExecArray);
  return out;
}

/** The string literal around a secret, quotes included: the span to underline. */
function literalAround(text: string, span: Span, limit: Span): Span {
  let s = span.start;
  while (s > limit.start && text[s - 1] !== "'" && text[s - 1] !== '$') s--;
  let e = span.end;
  while (e < limit.end && text[e] !== "'" && text[e] !== '$') e++;
  return { start: Math.max(limit.start, s - 1), end: Math.min(limit.end, e + 1) };
}

export default defineRule({
  meta: {
    id: 'ban-plaintext-secret',
    category: 'hygiene',
    defaultSeverity: 'error',
    recommended: true,
    fix: 'none',
    messages: {
      role: 'The password of role "{{owner}}" is written in the migration: anyone who can read the repository can log in as it',
      unparsed: 'A literal password is written in this statement, which pgsafe could not parse: anyone who can read the repository has it',
      roleHash: 'The password hash of role "{{owner}}" is written in the migration: an md5 hash logs in as it is, and a SCRAM verifier can be brute-forced offline',
      mapping: 'The password of user mapping "{{owner}}" is written in the migration: anyone who can read the repository has the remote credentials',
      conninfo: 'A connection string with a literal password is written in the migration: anyone who can read the repository has the credentials',
      setting: 'Setting `{{owner}}` gets a literal secret written in the migration: anyone who can read the repository has it',
    },
    docs: {
      summary: 'Disallow passwords and keys written as literals in a migration',
      what: "Flags literal credentials: `CREATE`/`ALTER ROLE` or `USER … PASSWORD '…'` (also `ENCRYPTED PASSWORD` and pre-hashed md5/SCRAM values), `CREATE`/`ALTER USER MAPPING … OPTIONS (password '…')`, connection strings with `password=` or `user:password@` passed to dblink, `CREATE SUBSCRIPTION … CONNECTION` or FDW options, and `SET`/`ALTER SYSTEM`/`ALTER ROLE … SET`/`ALTER DATABASE … SET` of a setting whose name or value carries a password, secret, token or key. `PASSWORD NULL`, empty values and deploy-time placeholders (`'${…}'`, `'{{ … }}'`, psql `:'var'`) are fine. Findings never show the secret: pgsafe masks it in the message, the source snippet and every output format.",
      why: 'A migration is committed to version control, copied into every clone, CI log and container image, and kept in history forever: a password written in it is public to everyone who can read the repository, and removing it later does not remove it from history. Postgres stores what `CREATE ROLE … PASSWORD` sends, so the migration file is the credential.',
      example: {
        bad: "CREATE ROLE app LOGIN PASSWORD 'hunter2';",
        good: "-- the framework substitutes the value at deploy time:\nCREATE ROLE app LOGIN PASSWORD '${app_password}';",
      },
      whenNotToUse: 'For throwaway local fixtures whose credentials are public by design (a docker-compose test database); ignore the statement with `-- pgsafe-ignore ban-plaintext-secret: local test role`.',
      references: [
        'https://www.postgresql.org/docs/current/sql-createrole.html',
        'https://www.postgresql.org/docs/current/sql-createusermapping.html',
        'https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING',
        'https://www.postgresql.org/docs/current/auth-password.html',
      ],
    },
  },
  create(ctx) {
    return {
      '*'(stmt: AnalysedStatement) {
        if (!stmt.source.node) return;
        for (const s of findSecrets(stmt.kind, stmt.source.node)) {
          const secret = locate(stmt, s);
          const whole = secret.start === stmt.source.start && secret.end === stmt.source.end;
          const span = whole ? secret : literalAround(ctx.text, secret, { start: stmt.source.start, end: stmt.source.end });
          const target = s.kind === 'role' || s.kind === 'roleHash' ? `ALTER ROLE ${quoteIdent(s.owner)} PASSWORD '\${${s.owner.replace(/\W/g, '_').toLowerCase()}_password}';` : s.kind === 'setting' ? `-- set ${s.owner} per environment, outside version control` : "-- read the connection string from the environment at deploy time, e.g. '${connection_string}'";
          ctx.report(stmt, {
            messageId: s.kind,
            data: { owner: s.owner },
            span,
            redact: [secret],
            help: `Remove the secret from the migration and rotate it, since it stays in the repository history; supply it at deploy time through a framework placeholder or set it by hand per environment:\n${target}`,
          });
        }
      },
      onFileEnd() {
        // Statements that do not parse reach no visitor, but other findings (syntax-error) still show their lines.
        if (!HINT.test(ctx.text)) return;
        for (const s of parseSource(ctx.text).statements) {
          if (s.kind !== 'SyntaxError') continue;
          for (const r of lexicalSecrets(s.text)) {
            const secret = { start: s.start + r.start, end: s.start + r.end };
            ctx.report({ source: s, kind: s.kind } as AnalysedStatement, {
              messageId: 'unparsed',
              span: literalAround(ctx.text, secret, { start: s.start, end: s.end }),
              redact: [secret],
              help: 'Remove the secret from the migration and rotate it, since it stays in the repository history; supply it at deploy time through a framework placeholder or set it by hand per environment.',
            });
          }
        }
      },
    };
  },
});
