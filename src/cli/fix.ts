// `pgsafe lint --fix`: applies the rules' mechanical fixes to the files.
//
// - Only `safe` fixes by default; `--fix-unsafe` (which implies --fix) also
//   applies `unsafe` ones (added statements, type changes: see each rule's
//   "Fix safety").
// - Files are rewritten in place, keeping a UTF-8 BOM and CRLF line endings.
// - Input from `-` is never written anywhere but stdout: the fixed SQL goes to
//   stdout and the report to stderr.
// - Fixes whose edits overlap are deferred to the next pass; passes repeat
//   (at most MAX_PASSES) until nothing more applies. What was fixed is listed
//   on stderr, and the report and exit code are those of the fixed text.
// - Fixes are not applied inside a DO body written as a single-quoted string
//   (its quotes are doubled in the file, so inserted SQL would break it).
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { rules } from '../../rules/index.js';
import type { FileResult, Finding } from '../engine/engine.js';
import { applyFixes } from '../engine/fix.js';
import { inQuotedBody } from '../engine/bodies.js';
import { decodeSource, readSourceFile } from '../source/read.js';
import type { SourceStatement } from '../source/index.js';
import { lintProject, UsageError } from '../project/index.js';
import { discover, exitCode, reportPlan, runLint, type LintCliOptions } from './run.js';
import { readAll, type CliIo } from './io.js';
import { maskSecrets } from '../report/mask.js';

const MAX_PASSES = 5;

export interface FixCliOptions extends LintCliOptions {
  fix?: boolean;
  fixUnsafe?: boolean;
}

interface FileFixes {
  /** Rule id → fixes applied. */
  byRule: Map<string, number>;
}

/**
 * The fixes of `findings` to apply to a file: by safety, not inside
 * single-quoted bodies, not repeating a fix that did not take. An insertion
 * right before a statement inside a DO block (a `SET lock_timeout` preamble)
 * moves before the DO statement itself, where it covers the whole block.
 */
export function fixable(result: FileResult, unsafe: boolean, applied: Map<string, number>): Finding[] {
  const inner = (result.analysed ?? []).map((a) => a.source).filter((s) => s.parent);
  const quoted = inner.filter((s) => inQuotedBody.has(s));
  const root = (s: SourceStatement): SourceStatement => (s.parent ? root(s.parent) : s);
  const out: Finding[] = [];
  for (const f of result.findings) {
    if (!f.fix || (f.fix.safety === 'unsafe' && !unsafe)) continue;
    // A fix that keeps coming back would be applied on every pass: apply each at most twice.
    if ((applied.get(key(f)) ?? 0) >= 2) continue;
    const edits = f.fix.edits.map((e) => {
      const before = e.start === e.end ? inner.find((s) => s.start === e.start) : undefined;
      return before ? { ...e, start: root(before).start, end: root(before).start } : e;
    });
    if (edits.some((e) => quoted.some((s) => e.start <= s.end && s.start <= e.end))) continue;
    out.push({ ...f, fix: { ...f.fix, edits } });
  }
  return out;
}

const key = (f: Finding) => `${f.rule}\u0000${f.message}`;

/** Edits keep the file's line endings: `\n` in inserted text becomes `\r\n` in a CRLF file. */
export function withLineEndings(findings: Finding[], text: string): Finding[] {
  const crlf = (text.match(/\r\n/g)?.length ?? 0) > 0 && (text.match(/\r\n/g)!.length * 2 >= (text.match(/\n/g)?.length ?? 0));
  if (!crlf) return findings;
  return findings.map((f) => ({ ...f, fix: { ...f.fix!, edits: f.fix!.edits.map((e) => ({ ...e, text: e.text.replace(/\r?\n/g, '\r\n') })) } }));
}

/**
 * Fixes the files, then reports on the fixed text: through the plain `lint`
 * run (so the output is exactly what linting the fixed files gives), or for
 * `-` on stderr after the fixed SQL on stdout.
 */
export async function runFix(paths: string[], o: FixCliOptions, io: CliIo): Promise<number> {
  // The staged text is what gets linted, and it may differ from the working tree the fixes would be written to.
  if (o.staged) throw new UsageError('--fix cannot be combined with --staged: fix the working tree first, then stage it');
  const unsafe = !!o.fixUnsafe;
  const fromStdin = paths.includes('-');
  const stdinName = o.stdinFilename ?? '<stdin>';
  const plan = reportPlan(o, io.env);
  const raw = fromStdin ? await readAll(io.stdin) : undefined;
  const decoded = raw ? decodeSource(raw) : undefined;
  let stdinText = decoded?.ok ? decoded.text : undefined;
  const stdin = () => (stdinText !== undefined ? Buffer.from(stdinText, 'utf8') : raw);
  const fixedIn = new Map<string, FileFixes>();
  const applied = new Map<string, Map<string, number>>();

  const lintAll = async () => (await lintProject(await discover(paths, { ...o, stdin: stdin() }, io), { rules }));
  let linted = await lintAll();
  let results = linted.files;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let changed = false;
    // A file can have several results (its forward part and its down section as the rollback path): fix them together.
    const byPath = new Map<string, FileResult[]>();
    for (const r of results) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r]);
    for (const [path, rs] of byPath) {
      const seen = applied.get(path) ?? new Map<string, number>();
      applied.set(path, seen);
      const isStdin = fromStdin && path === stdinName && stdinText !== undefined;
      let text: string;
      let bom = false;
      if (isStdin) text = stdinText!;
      // Reading from stdin never writes a file, not even the down migration paired with --stdin-filename.
      else if (fromStdin) continue;
      else {
        if (!rs.some((r) => r.findings.some((f) => f.fix))) continue;
        const file = await readSourceFile(resolve(io.cwd, path));
        if (!file.ok) continue;
        text = file.text;
        bom = file.bom;
      }
      // Offsets are only valid against the text that was linted (blanked sections keep their length).
      const candidates = rs.flatMap((r) => (r.parsed && r.parsed.text.length !== text.length ? [] : fixable(r, unsafe, seen)));
      if (candidates.length === 0) continue;
      const out = applyFixes(text, withLineEndings(candidates, text));
      if (out.fixed.length === 0 || out.text === text) continue;
      changed = true;
      if (isStdin) stdinText = out.text;
      else await writeFile(resolve(io.cwd, path), (bom ? '\ufeff' : '') + out.text, 'utf8');
      const record = fixedIn.get(path) ?? { byRule: new Map() };
      fixedIn.set(path, record);
      for (const f of out.fixed) {
        record.byRule.set(f.rule, (record.byRule.get(f.rule) ?? 0) + 1);
        seen.set(key(f), (seen.get(key(f)) ?? 0) + 1);
      }
    }
    if (!changed) break;
    linted = await lintAll();
    results = linted.files;
  }

  for (const [path, rec] of fixedIn) {
    const total = [...rec.byRule.values()].reduce((a, b) => a + b, 0);
    const list = [...rec.byRule].map(([id, n]) => (n > 1 ? `${id} ×${n}` : id)).join(', ');
    io.stderr.write(`pgsafe: fixed ${total} problem${total === 1 ? '' : 's'} in ${path} (${list})\n`);
  }
  if (!unsafe) {
    const skipped = results.reduce((n, r) => n + r.findings.filter((f) => f.fix?.safety === 'unsafe').length, 0);
    if (skipped) io.stderr.write(`pgsafe: ${skipped} more fix${skipped === 1 ? ' is' : 'es are'} unsafe and not applied; review them and run with --fix-unsafe to apply them\n`);
  }

  if (!fromStdin) return runLint(paths, { ...o, stdin: undefined }, io);
  // The fixed SQL is the output; the report moves to stderr.
  const fixedSql = stdinText ?? raw?.toString('utf8') ?? '';
  // stdout is masked like every output (src/report/mask.ts): say so rather than hand back a changed password silently.
  if (maskSecrets(fixedSql) !== fixedSql) io.stderr.write('pgsafe: the fixed SQL holds a literal secret, printed masked with *: pgsafe never prints a password\n');
  io.stdout.write(fixedSql);
  io.stderr.write(plan.reporter({ files: results, rules, color: false, cwd: io.cwd, env: io.env }));
  for (const n of linted.notes) io.stderr.write(`pgsafe: ${n}\n`);
  return exitCode(results, o.failOn);
}
