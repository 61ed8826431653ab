import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

// CI's last line is what CI reads; the failures are named just above it, as only a log's tail
// may be shown of a run that took half an hour.
describe('CI’s summary of the runners’ reports (.ci/summarise.mjs)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'libra-ci-summary-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function summarise(reports: unknown[], env: Record<string, string> = {}) {
    const files = [];
    for (const [index, report] of reports.entries()) {
      const file = join(dir, `report-${index}.json`);
      await writeFile(file, JSON.stringify(report));
      files.push(file);
    }
    return run(process.execPath, ['.ci/summarise.mjs', ...files], { env: { ...process.env, ...env } }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
  }

  it('sums every report and the checks into one last line, and exits 0 when nothing failed', async () => {
    const passing = { numPassedTests: 3, numFailedTests: 0, numPendingTests: 1, testResults: [] };
    const { code, stdout } = await summarise([passing, passing], { CHECKS_PASSED: '2', SUITE_EXITS: '0 0' });
    expect(stdout.trim().split('\n').at(-1)).toBe('8 passed, 0 failed');
    expect(code).toBe(0);
  });

  it('names each failed test and each file that did not load, with the first line of why', async () => {
    const report = {
      numPassedTests: 1,
      numFailedTests: 1,
      numPendingTests: 0,
      testResults: [
        {
          name: join(process.cwd(), 'test/x.test.ts'),
          status: 'failed',
          assertionResults: [
            { status: 'passed', fullName: 'fine' },
            {
              status: 'failed',
              fullName: 'billing > charges once',
              failureMessages: ['AssertionError: 2\n  at x'],
            },
          ],
        },
        {
          name: join(process.cwd(), 'test/y.test.ts'),
          status: 'failed',
          message: 'Error: no load\n',
          assertionResults: [],
        },
      ],
    };
    const { code, stdout } = await summarise([report, { nope: true }], { SUITE_EXITS: '1 1' });
    expect(stdout).toContain('FAILED test/x.test.ts > billing > charges once: AssertionError: 2\n');
    expect(stdout).toContain('FAILED test/y.test.ts: Error: no load\n');
    expect(stdout).not.toContain('> fine');
    // One failed test, one file that did not load, one report unreadable.
    expect(stdout.trim().split('\n').at(-1)).toBe('1 passed, 3 failed');
    expect(code).toBe(1);
  });
});
