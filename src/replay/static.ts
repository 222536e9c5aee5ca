import type { StatementTrace, StaticVerdict } from './trace-types.js';
import { lockStrength, quoted } from './util.js';

/** What a lint finding asserts that replay can measure. */
type Claim = 'rewrite' | 'scan' | 'blocks-writes' | 'blocks-reads' | 'fails-in-transaction' | 'no-lock-timeout' | 'row-locks' | 'lock';

const CLAIMS: Record<string, Claim> = {
  'adding-field-with-default': 'rewrite',
  'changing-column-type': 'rewrite',
  'ban-set-logged-unlogged': 'rewrite',
  'ban-cluster': 'rewrite',
  'adding-serial-primary-key-field': 'blocks-writes',
  'adding-not-nullable-field': 'scan',
  'adding-foreign-key-constraint': 'scan',
  'constraint-missing-not-valid': 'scan',
  'attaching-partition-without-check': 'scan',
  'ban-alter-domain-with-add-constraint': 'scan',
  'require-concurrent-index-creation': 'blocks-writes',
  'disallowed-unique-constraint': 'blocks-writes',
  'adding-exclusion-constraint': 'blocks-writes',
  'require-concurrent-index-deletion': 'blocks-reads',
  'ban-concurrent-index-creation-in-transaction': 'fails-in-transaction',
  'require-lock-timeout': 'no-lock-timeout',
  'unbatched-backfill': 'row-locks',
};

export interface StaticFinding {
  rule: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  category?: string;
}


function fmtMs(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;
}

/** Lints the pending files with the lint engine (base files feed its schema model); undefined when the engine is unavailable. */
export async function lintPending(
  base: { path: string; text: string }[],
  pending: { path: string; text: string }[],
  settings: { pgVersion: number; assumeInTransaction: boolean },
): Promise<Map<string, StaticFinding[]> | { error: string }> {
  try {
    const engine = (await import('../engine/engine.js')) as unknown as {
      lint(inputs: unknown[], opts: unknown): Promise<{ path: string; findings: StaticFinding[] }[]>;
    };
    const registry = (await import('../../rules/index.js')) as unknown as { rules: { meta: { id: string; category?: string } }[] };
    const inputs = [
      ...base.map((f) => ({ path: f.path, text: f.text, lint: false })),
      ...pending.map((f) => ({ path: f.path, text: f.text, fileOptions: { pending: true, inTransaction: settings.assumeInTransaction } })),
    ];
    const results = await engine.lint(inputs, { rules: registry.rules, pgVersion: settings.pgVersion, assumeInTransaction: settings.assumeInTransaction });
    const category = new Map(registry.rules.map((r) => [r.meta.id, r.meta.category]));
    const out = new Map<string, StaticFinding[]>();
    for (const r of results) {
      if (!pending.some((p) => p.path === r.path)) continue;
      out.set(r.path, r.findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, line: f.line, column: f.column, category: category.get(f.rule) })));
    }
    return out;
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function rowsOf(rows: Map<string, number>, relation: string | undefined): string {
  const n = relation ? rows.get(relation) : undefined;
  return n !== undefined ? ` at ${n.toLocaleString('en-US')} rows` : '';
}

/** Compares one lint finding with what replay observed for its statement. Compat and hygiene findings get no verdict. */
export function judge(f: StaticFinding, s: StatementTrace, rows: Map<string, number>): StaticVerdict | undefined {
  const claim = CLAIMS[f.rule] ?? (f.category === 'lock' ? 'lock' : undefined);
  if (!claim || s.mode === 'skipped' || s.mode === 'not-run') return undefined;
  // Strongest lock first, tables that were seeded before indexes and toast relations.
  const ranked = s.locks.slice().sort((a, b) => lockStrength(b.mode) - lockStrength(a.mode) || Number(rows.has(b.relation)) - Number(rows.has(a.relation)));
  const main = ranked[0];
  const at = rowsOf(rows, main?.relation);
  const blocked = s.blocked.readsMs || s.blocked.writesMs ? `; blocked reads ${fmtMs(s.blocked.readsMs)}, writes ${fmtMs(s.blocked.writesMs)}` : '';
  const v = (ok: boolean, evidence: string): StaticVerdict => ({ ...f, verdict: ok ? 'confirmed' : 'refuted', evidence });
  if (s.error && claim !== 'fails-in-transaction') return undefined;
  const verdict = judgeClaim(claim, f, s, rows, ranked, main, at, blocked, v);
  // A lock held for a few ms at this size is observed, not a problem: say so instead of "confirmed".
  if (verdict?.verdict === 'confirmed' && claim !== 'fails-in-transaction' && claim !== 'no-lock-timeout' && s.durationMs < NEGLIGIBLE_MS && !s.blocked.readsMs && !s.blocked.writesMs) {
    const n = rowsOf(rows, main?.relation).replace(/^ at /, ' at ');
    return { ...verdict, verdict: 'negligible', evidence: `observed: ${fmtMs(s.durationMs)}${n}, negligible` };
  }
  return verdict;
}

/** Statements shorter than this, blocking nothing, are negligible at the seeded size. */
const NEGLIGIBLE_MS = 10;

function judgeClaim(
  claim: Claim,
  f: StaticFinding,
  s: StatementTrace,
  rows: Map<string, number>,
  ranked: StatementTrace['locks'],
  main: StatementTrace['locks'][number] | undefined,
  at: string,
  blocked: string,
  v: (ok: boolean, evidence: string) => StaticVerdict,
): StaticVerdict | undefined {
  switch (claim) {
    case 'rewrite':
      return s.rewrites.length
        ? v(true, `rewrite confirmed: ${s.rewrites.map((r) => r.relation).join(', ')} rewritten in ${fmtMs(s.durationMs)}${rowsOf(rows, s.rewrites[0].relation)}${blocked}`)
        : v(false, `rewrite refuted: no relation was rewritten (${fmtMs(s.durationMs)}${at})`);
    case 'scan':
      return s.scans.length || s.rewrites.length
        ? v(true, `scan confirmed: ${s.scans.map((x) => `${x.relation} ×${x.seqScans}`).join(', ') || 'rewrite'} in ${fmtMs(s.durationMs)}${rowsOf(rows, s.scans[0]?.relation)} under ${main?.mode ?? 'no lock'}${blocked}`)
        : v(false, `scan refuted: no table was scanned (${fmtMs(s.durationMs)}${at})`);
    case 'blocks-writes': {
      const strong = ranked.find((l) => lockStrength(l.mode) >= lockStrength('ShareLock') && rows.has(l.relation));
      return strong
        ? v(true, `confirmed: ${strong.mode} on ${quoted(strong.relation)} for ${fmtMs(s.durationMs)}${rowsOf(rows, strong.relation)}${blocked}`)
        : v(false, `refuted: no lock that blocks writes on an existing table (${s.locks.map((l) => `${l.mode} on ${quoted(l.relation)}`).join(', ') || 'no locks'})`);
    }
    case 'blocks-reads': {
      const strong = ranked.find((l) => l.mode === 'AccessExclusiveLock' && rows.has(l.relation));
      return strong
        ? v(true, `confirmed: AccessExclusiveLock on ${quoted(strong.relation)} for ${fmtMs(s.durationMs)}${blocked}`)
        : v(false, `refuted: no AccessExclusiveLock on an existing table`);
    }
    case 'fails-in-transaction':
      return s.error?.code === '25001' ? v(true, `confirmed: Postgres refused it: ${s.error.message}`) : v(false, `refuted: it ran (${s.mode})`);
    case 'no-lock-timeout': {
      const strong = ranked.find((l) => lockStrength(l.mode) >= lockStrength('ShareLock'));
      if (!strong) return v(false, `refuted: no lock that blocks writes was taken`);
      return s.lockTimeoutMs > 0
        ? v(false, `refuted: lock_timeout = ${s.lockTimeoutMs} ms was in force`)
        : v(true, `confirmed: ${strong.mode} on ${quoted(strong.relation)} with no lock_timeout${blocked}`);
    }
    case 'row-locks':
      // Row locks block writes to the rows the statement changed, whatever table lock it holds.
      return s.blocked.writesMs > 0
        ? v(true, `confirmed: writes to the rows it changed waited ${fmtMs(s.blocked.writesMs)}${rowsOf(rows, s.blocked.writesOn)} (${fmtMs(s.durationMs)} statement)`)
        : v(false, `refuted: no probed write waited (${fmtMs(s.durationMs)}${at})`);
    case 'lock': {
      const strong = ranked.find((l) => lockStrength(l.mode) >= lockStrength('ShareLock'));
      return strong
        ? v(true, `confirmed: ${strong.mode} on ${quoted(strong.relation)} for ${fmtMs(s.durationMs)}${rowsOf(rows, strong.relation)}${blocked}`)
        : v(false, `refuted: only ${s.locks.map((l) => l.mode).join(', ') || 'no locks'} taken`);
    }
  }
}
