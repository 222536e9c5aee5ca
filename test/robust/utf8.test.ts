import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSource, firstInvalidUtf8 } from '../../src/source/read.js';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * Where the first ill-formed sequence starts, by the standard decoder itself: feed it byte by byte until it
 * throws, then step back to the longest prefix that decodes in full.
 */
function reference(buf: Uint8Array): number {
  const dec = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let at = buf.length;
  for (let i = 0; i < buf.length; i++) {
    try {
      dec.decode(buf.subarray(i, i + 1), { stream: true });
    } catch {
      at = i;
      break;
    }
  }
  if (at === buf.length) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf);
      return -1;
    } catch { /* truncated at the end */ }
  }
  for (let i = Math.min(at, buf.length); i >= 0; i--) {
    try {
      new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf.subarray(0, i));
      return i;
    } catch { /* shorter */ }
  }
  return 0;
}

const text = (s: string) => Buffer.from(s, 'utf8');
const at = (prefix: string, bad: number[], suffix = ' DROP TABLE t;\n') => Buffer.concat([text(prefix), Buffer.from(bad), text(suffix)]);

// Issue 17 §4: "Some invalid-UTF-8 messages give the wrong byte offset". Sequences the old check took for well
// formed (overlong, surrogate, past U+10FFFF) made it fall through to "offset 0".
describe('invalid UTF-8: the byte offset named is where the bad sequence starts', () => {
  const cases: Array<[string, Buffer, number]> = [
    ['a lone continuation byte', at('SELECT 1;\n', [0x80]), 10],
    ['0xff', at('SELECT 1;\n', [0xff]), 10],
    ['an overlong 2-byte form (C0 AF)', at('SELECT 1;\n', [0xc0, 0xaf]), 10],
    ['an overlong 3-byte form (E0 80 AF)', at('SELECT 1;\né', [0xe0, 0x80, 0xaf]), 12],
    ['an overlong 4-byte form (F0 80 80 AF)', at('-- ü\nSELECT 1;\n', [0xf0, 0x80, 0x80, 0xaf]), 16],
    ['a UTF-16 surrogate (ED A0 80)', at('SELECT 1;\n', [0xed, 0xa0, 0x80]), 10],
    ['a code point past U+10FFFF (F4 90 80 80)', at('SELECT 1;\n', [0xf4, 0x90, 0x80, 0x80]), 10],
    ['a truncated sequence before ASCII (E2 82)', at('SELECT 1;\n', [0xe2, 0x82]), 10],
    ['a truncated sequence at the end of the file', Buffer.concat([text('SELECT 1;\n日本'), Buffer.from([0xe8, 0xaa])]), 16],
    ['after multibyte text (offsets are bytes, not characters)', at('COMMENT ON TABLE t IS \'日本語🐘\';\n', [0xff]), 39],
  ];
  for (const [name, buf, expected] of cases) {
    it(name, () => {
      expect(reference(buf)).toBe(expected);
      expect(firstInvalidUtf8(buf)).toBe(expected);
      const r = decodeSource(buf);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.offset).toBe(expected);
      expect(!r.ok && r.message).toBe(`not valid UTF-8: byte 0x${buf[expected].toString(16).padStart(2, '0')} at offset ${expected}`);
    });
  }

  it('agrees with the standard decoder on 20,000 random mutations of multibyte text', () => {
    let s = 12345;
    const rnd = (n: number) => {
      s = (s * 1103515245 + 12345) >>> 0;
      return s % n;
    };
    const base = text("CREATE TABLE é (x text DEFAULT '日本語 🐘 ñ');\nDROP TABLE t;\n");
    let invalid = 0;
    for (let k = 0; k < 20_000; k++) {
      const b = Buffer.from(base);
      for (let n = 1 + rnd(3); n > 0; n--) b[rnd(b.length)] = rnd(256) || 1;
      const ref = reference(b);
      const r = decodeSource(b);
      if (ref < 0) {
        expect(r.ok, b.toString('hex')).toBe(true);
        continue;
      }
      invalid++;
      expect(!r.ok && r.offset, b.toString('hex')).toBe(ref);
    }
    expect(invalid).toBeGreaterThan(5_000);
  });

  it('a UTF-16 file is named as UTF-16, not as binary', () => {
    const r = decodeSource(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('DROP TABLE t;\n', 'utf16le')]));
    expect(!r.ok && r.message).toMatch(/UTF-16LE byte-order mark/);
  });

  it('the CLI reports the same offset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgsafe-utf8-'));
    try {
      writeFileSync(join(dir, 'a.sql'), at('SELECT 1;\n', [0xed, 0xa0, 0x80]));
      const r = spawnSync(process.execPath, ['bin/pgsafe.js', 'lint', '--no-config', '--format', 'json', join(dir, 'a.sql')], { cwd: ROOT, encoding: 'utf8' });
      expect(r.status).toBe(1);
      const [file] = JSON.parse(r.stdout).files ?? JSON.parse(r.stdout);
      expect(file.findings.map((f: { message: string }) => f.message)).toEqual(['not valid UTF-8: byte 0xed at offset 10']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
