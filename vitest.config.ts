import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Most test files only call the library in process: parse, analyse, lint, report. Giving each of them a fresh
// process (vitest's default isolation) costs more than the tests: a new worker imports the whole pipeline again
// and compiles the parser's WASM again, ~1 s of CPU per file for tests that take milliseconds (test/rules: 144 s
// isolated against 10 s shared, on the same loaded machine). Those files share their workers' module graph. Files
// that start servers, spawn processes, change the environment or catch signals keep a process of their own.
//
// The shared groups hold nothing that outlives a test: no server, no signal handler, no environment variable read
// by another group. The rule tests (and the two others that use the rule tester) set PGSAFE_THROW, so a rule's
// crash fails its test instead of becoming a finding: they are a group of their own, so no other file runs with it.
const RULE_TESTER = ['test/rules/**/*.test.ts', 'test/engine/bodies.test.ts', 'test/config/ignores.test.ts'];
const IN_PROCESS = [
  'test/analysis/**/*.test.ts',
  'test/engine/**/*.test.ts',
  'test/report/**/*.test.ts',
  'test/source/**/*.test.ts',
  'test/layers/**/*.test.ts',
  'test/conformance/**/*.test.ts',
  'test/corpus/**/*.test.ts',
  'test/config/config.test.ts',
  'test/config/frameworks.test.ts',
  'test/cli/**/*.test.ts',
  'test/robust/edges.test.ts',
  'test/rollback/down.test.ts',
  'test/rollback/secrets-formats.test.ts',
  'test/e2e/cli.test.ts',
  'test/docs/rules-meta.test.ts',
];

// The slow files mostly wait: on Postgres, npm, git and pre-commit, child processes with CPU of their own. Vitest's
// default of one worker per core but one leaves a 2-core machine running a single file at a time, one core idle
// while it waits. Two at least; as many as vitest's default where there are more cores.
const WORKERS = Math.max(2, availableParallelism() - 1);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: WORKERS,
    projects: [
      { extends: true, test: { name: 'rules', include: RULE_TESTER, isolate: false } },
      { extends: true, test: { name: 'in-process', include: IN_PROCESS, exclude: RULE_TESTER, isolate: false } },
      { extends: true, test: { name: 'own-process', include: ['test/**/*.test.ts'], exclude: [...RULE_TESTER, ...IN_PROCESS] } },
    ],
  },
});
