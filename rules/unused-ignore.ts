import { defineRule } from '../src/engine/rule.js';

// Reported by the engine itself: an ignore comment that names an unknown rule or suppresses nothing.
export default defineRule({
  meta: {
    id: 'unused-ignore',
    category: 'meta',
    defaultSeverity: 'warning',
    recommended: true,
    fix: 'none',
    messages: { unused: '{{message}}' },
    docs: {
      summary: 'Disallow ignore comments that suppress nothing',
      what: 'Reports `-- pgsafe-ignore` and `-- squawk-ignore` comments that name an unknown rule, or that suppress no finding.',
      why: 'A stale or misspelled ignore hides nothing today but will silently hide a real finding later; an unknown id usually means a typo, so the intended finding is not suppressed.',
      example: { bad: '-- pgsafe-ignore ban-drop-colum\nALTER TABLE users DROP COLUMN legacy;', good: '-- pgsafe-ignore ban-drop-column: unused since v42\nALTER TABLE users DROP COLUMN legacy;' },
      references: [],
    },
  },
  create() {
    return {};
  },
});
