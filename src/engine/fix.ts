import type { Finding } from './engine.js';
import type { TextEdit } from './rule.js';

/**
 * Applies the fixes of `findings` to `text`. Edits are applied from the end so
 * offsets stay valid; a fix whose edits overlap an already applied one is skipped
 * (re-run to apply it). Returns the new text and the findings fixed.
 */
export function applyFixes(text: string, findings: Finding[], include: (f: Finding) => boolean = () => true): { text: string; fixed: Finding[] } {
  const candidates = findings.filter((f) => f.fix && include(f));
  const taken: TextEdit[] = [];
  const fixed: Finding[] = [];
  for (const f of candidates) {
    const edits = f.fix!.edits;
    const clash = edits.some((e) => taken.some((t) => e.start < t.end && t.start < e.end || (e.start === e.end && e.start === t.start && t.start === t.end)));
    if (clash) continue;
    taken.push(...edits);
    fixed.push(f);
  }
  taken.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of taken) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { text: out, fixed };
}
