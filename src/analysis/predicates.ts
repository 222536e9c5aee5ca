// Facts about WHERE clauses and CHECK expressions that rules need: whether an
// UPDATE/DELETE touches a bounded set of rows, and whether a CHECK constraint
// proves a partition bound (so ATTACH PARTITION can skip its scan).
import { strings } from './names.js';

/**
 * `none`: no WHERE, every row. `broad`: a WHERE that still matches an unbounded share of the
 * table (`col IS NULL`, `col <> x`, one-sided ranges, joins). `selective`: the rows are bounded
 * by a key: `col = const`, `col IN (consts)`, `col BETWEEN a AND b`, both bounds on one column,
 * or a subquery with LIMIT (a batch).
 */
export type Selectivity = 'none' | 'broad' | 'selective';

export function whereSelectivity(where: any): Selectivity {
  if (!where) return 'none';
  return selective(where) ? 'selective' : 'broad';
}

function isConst(e: any): boolean {
  if (!e) return false;
  if (e.A_Const) return !e.A_Const.boolval && !e.A_Const.isnull;
  if (e.ParamRef) return true;
  if (e.TypeCast) return isConst(e.TypeCast.arg);
  return false;
}

function column(e: any): string | undefined {
  const f = strings(e?.ColumnRef?.fields);
  return f.length ? f[f.length - 1] : undefined;
}

function opName(e: any): string {
  return strings(e?.name).join('.');
}

function hasLimit(q: any): boolean {
  const s = q?.SelectStmt;
  if (!s) return false;
  if (s.limitCount) return true;
  // A subquery that is itself selective bounds the rows too.
  return !!s.whereClause && selective(s.whereClause);
}

function selective(e: any): boolean {
  if (e.BoolExpr) {
    const args: any[] = e.BoolExpr.args ?? [];
    if (e.BoolExpr.boolop === 'AND_EXPR') {
      if (args.some(selective)) return true;
      // `id >= 1000 AND id < 2000`: both bounds on one column.
      const lower = new Set<string>();
      const upper = new Set<string>();
      for (const a of args) {
        const r = rangeSide(a);
        if (r?.side === 'lower') lower.add(r.column);
        if (r?.side === 'upper') upper.add(r.column);
      }
      return [...lower].some((c) => upper.has(c));
    }
    if (e.BoolExpr.boolop === 'OR_EXPR') return args.length > 0 && args.every(selective);
    return false;
  }
  if (e.A_Expr) {
    const x = e.A_Expr;
    const op = opName(x);
    const colConst = (column(x.lexpr) && isConst(x.rexpr)) || (column(x.rexpr) && isConst(x.lexpr));
    switch (x.kind) {
      case 'AEXPR_OP':
        return op === '=' && !!colConst;
      case 'AEXPR_IN':
        return op === '=' && !!column(x.lexpr) && (x.rexpr?.List?.items ?? []).every(isConst);
      case 'AEXPR_OP_ANY':
      {
        if (op !== '=' || !column(x.lexpr)) return false;
        const els: any[] = x.rexpr?.A_ArrayExpr?.elements ?? [];
        // `ctid = ANY(ARRAY(SELECT ctid … LIMIT 1000))` is the classic batch.
        return (els.length > 0 && els.every(isConst)) || !!x.rexpr?.ParamRef || (!!x.rexpr?.SubLink && hasLimit(x.rexpr.SubLink.subselect));
      }
      case 'AEXPR_BETWEEN':
        return !!column(x.lexpr) && (x.rexpr?.List?.items ?? []).every(isConst);
      default:
        return false;
    }
  }
  if (e.SubLink) {
    const s = e.SubLink;
    if ((s.subLinkType === 'ANY_SUBLINK' || s.subLinkType === 'EXPR_SUBLINK') && hasLimit(s.subselect)) return true;
    return false;
  }
  return false;
}

function rangeSide(e: any): { column: string; side: 'lower' | 'upper' } | undefined {
  const x = e?.A_Expr;
  if (!x || x.kind !== 'AEXPR_OP') return undefined;
  const op = opName(x);
  let col = column(x.lexpr);
  let flipped = false;
  if (!col || !isConst(x.rexpr)) {
    col = column(x.rexpr);
    if (!col || !isConst(x.lexpr)) return undefined;
    flipped = true;
  }
  const lowerOps = flipped ? ['<', '<='] : ['>', '>='];
  const upperOps = flipped ? ['>', '>='] : ['<', '<='];
  if (lowerOps.includes(op)) return { column: col, side: 'lower' };
  if (upperOps.includes(op)) return { column: col, side: 'upper' };
  return undefined;
}

/** Column names an expression references. */
export function exprColumns(e: any): string[] {
  const out = new Set<string>();
  const visit = (x: any, depth: number) => {
    if (!x || typeof x !== 'object' || depth > 60) return;
    if (Array.isArray(x)) { for (const y of x) visit(y, depth + 1); return; }
    const c = column(x);
    if (c) { out.add(c); return; }
    for (const v of Object.values(x)) if (v && typeof v === 'object') visit(v, depth + 1);
  };
  visit(e, 0);
  return [...out];
}

/**
 * Whether a CHECK expression bounds `key` the way a partition bound does: a lower and an upper
 * bound (or BETWEEN) for a range partition, `=`/`IN` for a list partition. The constants are not
 * compared with the bound's (Postgres proves the implication; pgsafe checks the shape), so a CHECK
 * with the right shape but other values is taken as proof: ATTACH then fails fast rather than scans.
 */
export function checkBoundsColumn(expr: any, key: string, strategy: 'range' | 'list' | 'hash', anyColumn = false): boolean {
  if (!expr || strategy === 'hash') return false;
  const conjuncts: any[] = expr.BoolExpr?.boolop === 'AND_EXPR' ? expr.BoolExpr.args ?? [] : [expr];
  if (strategy === 'list') {
    return conjuncts.some((c) => {
      const x = c.A_Expr;
      if (!x || (!anyColumn && column(x.lexpr) !== key) || !column(x.lexpr) || opName(x) !== '=') return false;
      return x.kind === 'AEXPR_IN' || x.kind === 'AEXPR_OP_ANY' || (x.kind === 'AEXPR_OP' && isConst(x.rexpr));
    });
  }
  const lower = new Set<string>();
  const upper = new Set<string>();
  for (const c of conjuncts) {
    const bc = c.A_Expr?.kind === 'AEXPR_BETWEEN' ? column(c.A_Expr.lexpr) : undefined;
    if (bc && (anyColumn || bc === key)) return true;
    const r = rangeSide(c);
    if (r && (anyColumn || r.column === key)) (r.side === 'lower' ? lower : upper).add(r.column);
  }
  return [...lower].some((c) => upper.has(c));
}
