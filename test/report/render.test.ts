import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import type { Finding } from '../../src/engine/engine.js';
import { findingsOf, renderFindings } from '../../src/report/render.js';

const finding: Finding = { rule: 'ban-drop-table', severity: 'error', message: 'measured: dropped "users"', file: 'm/1.sql', line: 1, column: 1, endLine: 1, endColumn: 18, start: 0, end: 17, statement: 0 };

describe('renderFindings', () => {
  it('prints findings that were not linted (replay, round trips) through the same reporters', () => {
    const files = [findingsOf('m/1.sql', [finding], 1)];
    expect(renderFindings('gcc', files, { rules, cwd: '/' })).toBe('m/1.sql:1:1: error: measured: dropped "users" [ban-drop-table]\n');
    expect(JSON.parse(renderFindings('json', files, { rules, cwd: '/' })).summary).toMatchObject({ files: 1, errors: 1 });
  });

  it('refuses an unknown format, naming the known ones', () => {
    expect(() => renderFindings('xml', [], { rules, cwd: '/' })).toThrow(/one of pretty, json/);
  });
});
