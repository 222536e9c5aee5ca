import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandPaths } from '../../src/replay/files.js';

describe('replay: expandPaths', () => {
  it('orders a directory as pgsafe lint does, and leaves out down migrations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgsafe-replay-files-'));
    for (const f of ['V1_10__c.sql', 'V1_2__a.sql', 'V1_9__b.sql', '10_x.up.sql', '9_w.up.sql', '9_w.down.sql', 'notes.txt']) writeFileSync(join(dir, f), 'SELECT 1;');
    mkdirSync(join(dir, 'dir.sql'));
    const got = (await expandPaths([dir])).map((p) => p.slice(dir.length + 1));
    expect(got).toEqual(['V1_2__a.sql', 'V1_9__b.sql', 'V1_10__c.sql', '9_w.up.sql', '10_x.up.sql']);
  });
});
