import { describe, expect, it } from 'vitest';
import rule from '../../rules/attaching-partition-without-check.js';
import { lint } from '../../src/engine/engine.js';
import { ruleTester, sql } from '../helpers/rule-tester.js';

ruleTester(rule, {
  valid: [
    { name: 'partition created in the file', sql: sql`
      CREATE TABLE measurements_2024 (logdate date);
      ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    ` },
    { name: 'validated CHECK matching the range bound', sql: sql`
      ALTER TABLE measurements_2024 ADD CONSTRAINT m2024_bound CHECK (logdate >= '2024-01-01' AND logdate < '2025-01-01') NOT VALID;
      ALTER TABLE measurements_2024 VALIDATE CONSTRAINT m2024_bound;
      ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
    `.replace(/^/, 'CREATE TABLE measurements (logdate date) PARTITION BY RANGE (logdate);\n') },
    { name: 'validated CHECK matching a list bound', sql: sql`
      CREATE TABLE customers (region text) PARTITION BY LIST (region);
      ALTER TABLE customers_eu ADD CONSTRAINT eu_bound CHECK (region IN ('de', 'fr'));
      ALTER TABLE customers ATTACH PARTITION customers_eu FOR VALUES IN ('de', 'fr');
    ` },
  ],
  invalid: [
    {
      sql: "ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n",
      errors: [{ messageId: 'scan', line: 1, column: 1 }],
    },
    {
      name: 'CHECK still NOT VALID does not skip the scan',
      sql: sql`
        CREATE TABLE measurements (logdate date) PARTITION BY RANGE (logdate);
        ALTER TABLE measurements_2024 ADD CONSTRAINT m2024_bound CHECK (logdate >= '2024-01-01' AND logdate < '2025-01-01') NOT VALID;
        ALTER TABLE measurements ATTACH PARTITION measurements_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      `,
      errors: [{ messageId: 'scan', line: 3, column: 1 }],
    },
    {
      name: 'a one-sided CHECK does not imply a range bound; schema-qualified partition',
      sql: sql`
        CREATE TABLE measurements (logdate date) PARTITION BY RANGE (logdate);
        ALTER TABLE app.m_2024 ADD CONSTRAINT m2024_lower CHECK (logdate >= '2024-01-01');
        ALTER TABLE measurements ATTACH PARTITION app.m_2024 FOR VALUES FROM ('2024-01-01') TO (MAXVALUE);
      `,
      errors: [{ messageId: 'scan', line: 3, column: 1 }],
    },
  ],
});

describe('attaching-partition-without-check help', () => {
  it('builds the CHECK from the bound and the parent key', async () => {
    const [res] = await lint([{ path: 'a.sql', text: "CREATE TABLE m (logdate date) PARTITION BY RANGE (logdate);\nALTER TABLE m ATTACH PARTITION m_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n" }], {
      rules: [rule], pgVersion: 15, assumeInTransaction: false, ruleSettings: { [rule.meta.id]: 'error' },
    });
    expect(res.findings[0].help).toContain("ALTER TABLE m_2024 ADD CONSTRAINT m_2024_bound CHECK (logdate >= '2024-01-01' AND logdate < '2025-01-01') NOT VALID;");
  });
});
