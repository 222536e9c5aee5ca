// Runs action.yml's composite steps the way the runner does: `${{ }}` expressions, `if:`, step env and outputs,
// `run:` scripts with `bash --noprofile --norc -eo pipefail`. Steps that `uses:` another action go to a handler.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, outputs } from './helpers.js';

type Block = Record<string, string | Record<string, string>>;

function indentOf(l: string): number {
  return l.length - l.trimStart().length;
}

/** The mapping at `indent` starting at lines[i]: plain values, `|` blocks and one nested level of mappings. */
function mapping(lines: string[], i: number, indent: number): [Block, number] {
  const out: Block = {};
  while (i < lines.length) {
    const l = lines[i];
    if (l.trim() === '' || l.trimStart().startsWith('#')) {
      i++;
      continue;
    }
    if (indentOf(l) < indent) break;
    const m = /^\s*([\w-]+):\s?(.*)$/.exec(l);
    if (!m || indentOf(l) !== indent) throw new Error(`action.yml: cannot read line "${l}"`);
    i++;
    const [, key, rest] = m;
    if (rest === '|') {
      const body: string[] = [];
      while (i < lines.length && (lines[i].trim() === '' || indentOf(lines[i]) > indent)) body.push(lines[i++]);
      const cut = Math.min(...body.filter((b) => b.trim()).map(indentOf));
      out[key] = body.map((b) => b.slice(cut)).join('\n').replace(/\n+$/, '') + '\n';
    } else if (rest === '') {
      const [inner, next] = mapping(lines, i, indent + 2);
      out[key] = inner as Record<string, string>;
      i = next;
    } else out[key] = rest.replace(/^'(.*)'$/, '$1').replace(/''/g, "'");
  }
  return [out, i];
}

export interface Composite {
  inputs: Record<string, string>;
  steps: Block[];
}

export function readAction(path: string): Composite {
  const lines = readFileSync(path, 'utf8').split('\n');
  const top = (name: string) => lines.findIndex((l) => l === `${name}:`);
  const [inputs] = mapping(lines, top('inputs') + 1, 2);
  const stepsAt = lines.findIndex((l) => l === '  steps:');
  const steps: Block[] = [];
  let i = stepsAt + 1;
  while (i < lines.length && (lines[i].trim() === '' || lines[i].trimStart().startsWith('#') || indentOf(lines[i]) >= 4)) {
    if (lines[i].startsWith('    - ')) {
      const copy = [...lines];
      copy[i] = '      ' + lines[i].slice(6);
      const [step, next] = mapping(copy, i, 6);
      steps.push(step);
      i = next;
    } else i++;
  }
  const defaults: Record<string, string> = {};
  for (const [k, v] of Object.entries(inputs)) defaults[k] = typeof v === 'object' ? (v.default ?? '') : '';
  return { inputs: defaults, steps };
}

export interface RunOptions {
  actionPath: string;
  cwd: string;
  event: unknown;
  eventName: string;
  with?: Record<string, string>;
  env: Record<string, string>;
  /** Called for `uses:` steps whose `if:` holds, with the evaluated `with:` values. */
  uses(action: string, inputs: Record<string, string>): void;
}

export interface RunResult {
  /** The exit code of the step that failed, else 0. */
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, Record<string, string>>;
  ran: string[];
}

export function runComposite(action: Composite, o: RunOptions): RunResult {
  const inputs = { ...action.inputs, ...o.with };
  const steps: Record<string, Record<string, string>> = {};
  const lookup = (path: string, root: unknown) => path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], root);
  const value = (expr: string): string => {
    const e = expr.trim();
    let v: unknown;
    if (e.startsWith('inputs.')) v = inputs[e.slice(7)];
    else if (e.startsWith('steps.')) v = lookup(e.slice(6), steps);
    else if (e === 'github.action_path') v = o.actionPath;
    else if (e === 'github.token') v = 'test-token';
    else if (e === 'github.event_name') v = o.eventName;
    else if (e.startsWith('github.event.')) v = lookup(e.slice(13), o.event);
    else throw new Error(`composite: unsupported expression ${e}`);
    return v === undefined || v === null ? '' : String(v);
  };
  const expand = (s: string) => s.replace(/\$\{\{(.+?)\}\}/g, (_, e: string) => value(e));
  for (const k of Object.keys(inputs)) inputs[k] = expand(inputs[k]);
  const holds = (cond: string | undefined) => {
    if (!cond) return true;
    const m = /^(.+?)\s*==\s*'(.*)'$/.exec(cond.trim());
    if (!m) throw new Error(`composite: unsupported if: ${cond}`);
    return value(m[1]) === m[2];
  };
  const result: RunResult = { code: 0, stdout: '', stderr: '', outputs: steps, ran: [] };
  action.steps.forEach((step, n) => {
    if (result.code !== 0 || !holds(step.if as string | undefined)) return;
    const id = (step.id as string | undefined) ?? `step${n}`;
    result.ran.push(id);
    const env = Object.fromEntries(Object.entries((step.env as Record<string, string>) ?? {}).map(([k, v]) => [k, expand(v)]));
    if (step.uses) {
      o.uses(step.uses as string, Object.fromEntries(Object.entries((step.with as Record<string, string>) ?? {}).map(([k, v]) => [k, expand(v)])));
      return;
    }
    const script = join(o.env.RUNNER_TEMP, `step-${n}.sh`);
    const outFile = join(o.env.RUNNER_TEMP, `output-${n}`);
    writeFileSync(script, expand(step.run as string));
    writeFileSync(outFile, '');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: o.cwd,
      encoding: 'utf8',
      env: cleanEnv({ ...o.env, GITHUB_ACTION_PATH: o.actionPath, GITHUB_OUTPUT: outFile, GITHUB_EVENT_NAME: o.eventName, ...env }),
    });
    result.stdout += r.stdout;
    result.stderr += r.stderr;
    steps[id] = { outputs: outputs(outFile) } as unknown as Record<string, string>;
    if (r.status !== 0) result.code = r.status ?? 2;
  });
  return result;
}
