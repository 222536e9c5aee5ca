import { defineRule } from '../src/engine/rule.js';
import { label } from '../src/engine/sql.js';

export default defineRule({
  meta: {
    id: 'ban-drop-trigger',
    category: 'compat',
    defaultSeverity: 'warning',
    recommended: false,
    fix: 'none',
    messages: {
      drop: 'Dropping trigger {{trigger}} on {{table}} silently changes what writes from the running app version do (audit rows, `updated_at`, derived columns)',
    },
    docs: {
      summary: 'Disallow dropping triggers the running application may rely on (opt-in)',
      what: 'Flags `DROP TRIGGER` on a table not created earlier in the same migration. Off by default: enable it with `"ban-drop-trigger": "warning"`.',
      why: 'Nothing fails when a trigger is dropped: writes from the application version still serving traffic simply stop setting `updated_at`, writing audit rows or maintaining derived data. The drop takes ACCESS EXCLUSIVE on the table. Dropping a trigger and creating its replacement in the same transaction leaves no gap.',
      example: {
        bad: 'DROP TRIGGER users_set_updated_at ON users;',
        good: '-- replace it in one transaction, so no write misses it:\nBEGIN;\n-- pgsafe-ignore ban-drop-trigger: replaced below in the same transaction\nDROP TRIGGER users_set_updated_at ON users;\nCREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();\nCOMMIT;',
      },
      whenNotToUse: 'When the trigger is replaced in the same transaction, or nothing relies on it any more.',
      references: ['https://www.postgresql.org/docs/current/sql-droptrigger.html'],
    },
  },
  create(ctx) {
    return {
      'drop-trigger'(action, stmt) {
        if (ctx.isNew(action.relation)) return;
        ctx.report(stmt, {
          messageId: 'drop',
          data: { trigger: `"${action.name ?? '?'}"`, table: label(action.relation) },
          help: 'Deploy code that no longer relies on the trigger first, or create its replacement in the same transaction as the drop.',
        });
      },
    };
  },
});
