// `pgsafe locks` output: the predicted locks, cost, rewrites and scans of every statement.
// The JSON shape is a stable interface (docs/locks-command.md): add fields, never rename or remove them.
import { blockedText, lockSqlName, type Cost, type LockMode } from '../analysis/locks.js';
import type { RelationRole } from '../analysis/types.js';

/** One statement's predicted facts (src/oracle/predict.ts computes them from the analysis). */
export interface LocksEntry {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  kind: string;
  inTransaction: boolean;
  locks: { relation: string; mode: LockMode; role: RelationRole; isNew: boolean }[];
  cost: Cost;
  rewrites: string[];
  scans: string[];
  blocks: { reads: boolean; writes: boolean };
  unanalyzed?: string;
}

export const LOCKS_JSON_VERSION = 1;

export function renderLocksJson(entries: LocksEntry[]): string {
  const statements = entries.map((e) => ({
    path: e.path,
    line: e.line,
    column: e.column,
    endLine: e.endLine,
    endColumn: e.endColumn,
    kind: e.kind,
    inTransaction: e.inTransaction,
    locks: e.locks.map((l) => ({ relation: l.relation, mode: l.mode, role: l.role, ...(l.isNew ? { isNew: true } : {}) })),
    cost: e.cost,
    rewrites: e.rewrites,
    scans: e.scans,
    blocks: { reads: e.blocks.reads, writes: e.blocks.writes },
    ...(e.unanalyzed ? { unanalyzed: e.unanalyzed } : {}),
  }));
  return JSON.stringify({ version: LOCKS_JSON_VERSION, statements }, null, 2) + '\n';
}

const COST_TEXT: Record<LocksEntry['cost'], string> = {
  none: 'no table work',
  catalog: 'catalog only',
  scan: 'scan',
  'index-build': 'index build',
  rewrite: 'rewrite',
};

function blocked(mode: LockMode): string {
  const t = blockedText(mode);
  return t === 'other schema changes' ? 'blocks other schema changes' : `blocks ${t}`;
}

export function renderLocksText(entries: LocksEntry[]): string {
  const out: string[] = [];
  for (const e of entries) {
    const head = `${e.path}:${e.line}:${e.column}  ${e.kind}  ${e.inTransaction ? 'in a transaction' : 'autocommit'}`;
    out.push(head);
    if (e.unanalyzed) out.push(`  not analysed: ${e.unanalyzed}`);
    const width = Math.max(0, ...e.locks.map((l) => l.relation.length));
    for (const l of e.locks) {
      const note = l.isNew ? 'new in this migration' : blocked(l.mode);
      out.push(`  ${l.relation.padEnd(width)}  ${lockSqlName(l.mode).padEnd(22)}  ${l.role.padEnd(10)}  ${note}`);
    }
    if (e.locks.length === 0 && !e.unanalyzed) out.push('  no table locks');
    const parts = [`cost: ${COST_TEXT[e.cost]}`];
    if (e.rewrites.length) parts.push(`rewrites ${e.rewrites.join(', ')}`);
    if (e.scans.length) parts.push(`scans ${e.scans.join(', ')}`);
    const b = e.blocks.reads && e.blocks.writes ? 'reads and writes' : e.blocks.writes ? 'writes' : e.blocks.reads ? 'reads' : 'nothing';
    parts.push(`blocks ${b}`);
    out.push(`  ${parts.join('; ')}`);
    out.push('');
  }
  return out.join('\n');
}
