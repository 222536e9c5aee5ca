import { describe, expect, it } from 'vitest';
import { factLockPhrase, lockPhrase } from '../../src/analysis/lock-phrase.js';
import { makeRel } from '../../src/analysis/names.js';
import type { AnalysedStatement } from '../../src/analysis/types.js';

const users = makeRel('users');
const orders = makeRel('orders');
type Facts = Pick<AnalysedStatement, 'locks' | 'actions'>;
const stmt = (locks: Facts['locks'], actions: Facts['actions'] = []): Facts => ({ locks, actions });

describe('lockPhrase: message lock names come from the analysed statement', () => {
  it('names the lock held on the relation and what it blocks', () => {
    const s = stmt([
      { rel: users, mode: 'ShareLock', role: 'target', isNew: false, statement: 0 },
      { rel: orders, mode: 'AccessExclusiveLock', role: 'referencing', isNew: false, statement: 0 },
    ]);
    expect(lockPhrase(s, users)).toEqual({ lock: 'SHARE', aLock: 'a SHARE lock', blocked: 'writes' });
    expect(lockPhrase(s, orders)).toEqual({ lock: 'ACCESS EXCLUSIVE', aLock: 'an ACCESS EXCLUSIVE lock', blocked: 'reads and writes' });
    // Without a relation: the target's lock, not the strongest.
    expect(lockPhrase(s).lock).toBe('SHARE');
  });

  it('falls back to the lock-table row of an action without a relation (whole-database VACUUM FULL)', () => {
    const s = stmt([], [{ type: 'vacuum-full', span: { start: 0, end: 0 }, cost: 'rewrite', fact: 'vacuum-full' }]);
    expect(lockPhrase(s).lock).toBe(factLockPhrase('vacuum-full').lock);
  });

  it('reads a lock-table row by id and refuses an unknown one', () => {
    expect(factLockPhrase('alter-column-type-rewrite').lock).toBe('ACCESS EXCLUSIVE');
    expect(() => factLockPhrase('no-such-row')).toThrow(/no row "no-such-row"/);
  });
});
