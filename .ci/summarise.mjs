// Sums the vitest JSON reports given as arguments into one line: "N passed, N failed".
// A report that is missing or unreadable counts as one failure: the suite did not report.
import { readFileSync } from 'node:fs';

let passed = 0;
// Non-test checks (type check, lint) that failed, counted by .ci/run.
let failed = Number(process.env.CHECKS_FAILED ?? 0);
let skipped = 0;
for (const file of process.argv.slice(2)) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    // A file that failed to load has no tests counted: count it as a failure.
    for (const suite of report.testResults ?? []) {
      if (suite.status === 'failed' && (suite.assertionResults ?? []).every((t) => t.status !== 'failed'))
        failed++;
    }
    console.log(`${file}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  } catch (error) {
    console.log(`${file}: no report (${error.message})`);
    failed++;
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
