import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHtml, toMarkdown } from '../../src/replay/format.js';
import type { ReplayReport } from '../../src/replay/replay.js';
import { buildTimeline, toMermaid } from '../../src/replay/timeline.js';
import { migrations, removeDir, PROVIDER, replay } from './helpers.js';

const CHROMIUM = ['chromium', 'chromium-browser', 'google-chrome'].find((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);

/** Distinct byte values of a PNG's decoded scanlines: a blank page has two or three. */
function pngVariety(file: string): number {
  const buf = readFileSync(file);
  const idat: Buffer[] = [];
  for (let off = 8; off < buf.length; ) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    if (type === 'IDAT') idat.push(buf.subarray(off + 8, off + 8 + len));
    off += 12 + len;
  }
  return new Set(inflateSync(Buffer.concat(idat))).size;
}

describe('replay timeline (real Postgres, then headless Chromium)', () => {
  let dir: string;
  let report: ReplayReport;
  beforeAll(async () => {
    dir = migrations({
      '001.sql': `CREATE TABLE accounts (id int PRIMARY KEY, a int);\nCREATE TABLE notes (id int PRIMARY KEY, body text);\n`,
      '002.sql': `UPDATE accounts SET a = 1 RETURNING pg_sleep(0.0005);\nBEGIN;\nALTER TABLE notes ADD COLUMN seen boolean;\nSELECT pg_sleep(0.3);\nCOMMIT;\n`,
    });
    report = await replay({ paths: [dir], rows: 1000, maxBlockingMs: 100, provider: PROVIDER });
  }, 60_000);
  afterAll(() => removeDir(dir));

  it('has a lane per locked table, lock bars, and the blocked window', () => {
    const t = buildTimeline(report);
    expect(t.lanes.map((l) => l.table)).toEqual(['accounts', 'notes']);
    const notes = t.lanes[1].bars;
    expect(notes).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'lock', label: 'AccessExclusiveLock' })]));
    // The ALTER's lock is held until COMMIT, past the statement after it.
    const sleep = t.statements.find((s) => s.text.startsWith('SELECT pg_sleep'))!;
    expect(notes.find((b) => b.kind === 'lock')!.end).toBeGreaterThanOrEqual(sleep.end);
    expect(t.lanes[0].bars).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'writes-blocked' })]));
  });

  it('markdown: a verdict line first, then a Mermaid gantt chart', () => {
    const md = toMarkdown(report);
    expect(md.split('\n')[2]).toMatch(/^\*\*❌ /);
    expect(md).toContain('```mermaid\ngantt');
    expect(toMermaid(buildTimeline(report))).toMatch(/section accounts\n(.*\n)*  writes blocked [\d.]+ m?s :crit, \d+, \d+/);
  });

  it.skipIf(!CHROMIUM)('html renders in headless Chromium: lanes and blocked windows in the DOM, a non-blank screenshot', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'pgsafe-timeline-'));
    const page = path.join(out, 'replay.html');
    writeFileSync(page, toHtml(report));
    expect(readFileSync(page, 'utf8')).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', `--user-data-dir=${path.join(out, 'profile')}`];
    const dom = execFileSync(CHROMIUM!, [...flags, '--dump-dom', `file://${page}`], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
    expect(dom).toMatch(/<g class="lane" data-table="accounts">/);
    expect(dom).toMatch(/<g class="lane" data-table="notes">/);
    expect(dom).toMatch(/class="bar blocked writes-blocked"/);
    expect(dom).toMatch(/class="bar lock" data-mode="AccessExclusiveLock"/);
    const png = path.join(out, 'shot.png');
    execFileSync(CHROMIUM!, [...flags, `--screenshot=${png}`, '--window-size=1000,700', `file://${page}`], { timeout: 60_000, stdio: 'ignore' });
    expect(pngVariety(png)).toBeGreaterThan(20);
    removeDir(out);
  }, 120_000);
});
