import { readFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import type { FrameworkPreset } from './types.js';

function deployRoot(path: string): { root: string; rel: string } | undefined {
  const parts = resolve(path).split(sep);
  const i = parts.lastIndexOf('deploy');
  if (i < 0 || i === parts.length - 1) return undefined;
  return { root: parts.slice(0, i).join(sep) || sep, rel: parts.slice(i + 1).join('/') };
}

/** Change names from a sqitch.plan, in plan order (`%` pragmas, `@` tags, comments and reworks' duplicates skipped). */
export function planOrder(planText: string): string[] {
  const out: string[] = [];
  for (const line of planText.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('%') || t.startsWith('#') || t.startsWith('@')) continue;
    const name = /^[+-]?([^\s[]+)/.exec(t)?.[1];
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * Sqitch: deploy scripts under `deploy/` (revert/ and verify/ are not forward
 * migrations), in `sqitch.plan` order. Sqitch runs each script with psql and
 * adds no transaction: scripts manage their own `BEGIN`/`COMMIT`.
 */
export const sqitch: FrameworkPreset = {
  name: 'sqitch',
  label: 'Sqitch',
  // The project directory (the one holding sqitch.plan): deploy/ may have subdirectories.
  root: (path) => {
    const parts = path.split(/[\\/]/);
    const i = parts.lastIndexOf('deploy');
    return i < 0 ? dirname(path) : parts.slice(0, i).join(sep) || '.';
  },
  upFor: (downPath) => {
    const parts = downPath.split(/[\\/]/);
    const i = parts.lastIndexOf('revert');
    return i < 0 ? undefined : [...parts.slice(0, i), 'deploy', ...parts.slice(i + 1)].join(sep);
  },
  isMigration: (path) => deployRoot(path) !== undefined && /\.sql$/i.test(path),
  downs: { in: 'file' },
  isDown: (path) => /[\\/](revert|verify)[\\/]/.test(path),
  prepare(_path, text) {
    return { text, inTransaction: false, optOut: 'Move this statement after `COMMIT`, or into a Sqitch change of its own without `BEGIN`' };
  },
  downFor(upPath) {
    const d = deployRoot(upPath);
    return d ? { kind: 'file', path: resolve(d.root, 'revert', d.rel) } : undefined;
  },
  order(paths) {
    const byRoot = new Map<string, string[] | null>();
    const rank = (p: string): number => {
      const d = deployRoot(p);
      if (!d) return Number.MAX_SAFE_INTEGER;
      if (!byRoot.has(d.root)) {
        try {
          byRoot.set(d.root, planOrder(readFileSync(resolve(d.root, 'sqitch.plan'), 'utf8')));
        } catch {
          byRoot.set(d.root, null);
        }
      }
      const plan = byRoot.get(d.root);
      const i = plan ? plan.indexOf(d.rel.replace(/\.sql$/i, '')) : -1;
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    // Stable: files the plan does not name keep their file-name order, after the planned ones.
    return paths.map((p, i) => ({ p, i, r: rank(p) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.p);
  },
};


