import { describe, expect, it } from 'vitest';
import { databaseTests } from '../.ci/database-tests.ts';

// CI's PostgreSQL pass runs only these files: one that opens a database but is left out would never
// be tried on PostgreSQL.
describe('the PostgreSQL pass’s choice of test files', () => {
  const chosen = databaseTests('--no-browser');

  it('takes the files that open a database, directly or through the test support', () => {
    expect(chosen).toEqual(
      expect.arrayContaining([
        'src/db/db.test.ts', // opens one itself
        'test/billing.test.ts', // through buildTestApp
        'test/http-refusals.test.ts', // through the bad-input world
        'test/startup.test.ts', // hands its database URL to the processes it starts
      ]),
    );
  });

  it('leaves out the access matrix, which sends one request at a time (.ci/database-tests.ts)', () => {
    expect(chosen).not.toContain('test/access-matrix.test.ts');
    expect(databaseTests('--browser')).not.toContain('test/access-matrix.test.ts');
  });

  it('leaves out pure computations and the browser tests', () => {
    for (const file of [
      'src/lib/money.test.ts',
      'src/domains/invoicing/cfdi/amounts.test.ts',
      'test/architecture.test.ts',
    ])
      expect(chosen).not.toContain(file);
    expect(chosen.filter((file) => file.endsWith('.browser.test.ts'))).toEqual([]);
  });
});
