// Sums the vitest JSON reports given as arguments into one line: "N passed, N failed".
// A report that is missing or unreadable counts as one failure: the suite did not report.
import { readFileSync } from 'node:fs';

// Non-test checks (type check, lint, the quick start), counted by .ci/run.
let passed = Number(process.env.CHECKS_PASSED ?? 0);
let failed = Number(process.env.CHECKS_FAILED ?? 0);
console.log(`checks (type check, lint, quick start): ${passed} passed, ${failed} failed`);
let skipped = 0;
// Each suite's exit code, in the order of the reports: vitest fails a run on errors outside any
// test (an unhandled rejection) while its report counts no failed test; such a run counts as one.
const exits = (process.env.SUITE_EXITS ?? '').split(' ').filter(Boolean).map(Number);
for (const [index, file] of process.argv.slice(2).entries()) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    if (!Number.isInteger(report.numPassedTests) || !Number.isInteger(report.numFailedTests))
      throw new Error('not a vitest JSON report');
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    // Each failure is named here, near the end, because only the tail of a long CI log may be shown.
    const firstLine = (text) =>
      String(text ?? '')
        .split('\n')[0]
        .slice(0, 300);
    for (const suite of report.testResults ?? []) {
      const name = String(suite.name ?? '').replace(`${process.cwd()}/`, '');
      const tests = suite.assertionResults ?? [];
      for (const test of tests)
        if (test.status === 'failed')
          console.log(`FAILED ${name} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
      // A file that failed to load has no tests counted: count it as a failure.
      if (suite.status === 'failed' && tests.every((t) => t.status !== 'failed')) {
        failed++;
        console.log(`FAILED ${name}: ${firstLine(suite.message)}`);
      }
    }
    const exit = exits[index] ?? 0;
    const outside = exit !== 0 && report.numFailedTests === 0 ? 1 : 0;
    failed += outside;
    console.log(
      `${file}: ${report.numPassedTests} passed, ${report.numFailedTests} failed${outside ? ` (the run exited ${exit}: errors outside the tests, counted as 1 failure)` : ''}`,
    );
  } catch (error) {
    console.log(`${file}: no report (${error.message})`);
    failed++;
  }
}
console.log(`${skipped} skipped`);
// The last line, alone: what CI reads.
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
