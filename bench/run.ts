/**
 * `npm run bench -- <name>`: runs a benchmark and prints its figures; the last line is one JSON
 * object (name, ratio, target, p99_ms …) for scripts. Benchmarks compare against a baseline measured
 * in the same run, never against a number from another machine.
 */
import { billingBenchmark } from './billing.ts';
import { dayBenchmark } from './day.ts';
import { eligibilityBenchmark } from './eligibility.ts';
import { importBenchmark } from './import.ts';
import { webBenchmark } from './web.ts';

const BENCHMARKS: Record<string, (say: (line: string) => void) => Promise<Record<string, unknown>>> = {
  billing: billingBenchmark,
  day: dayBenchmark,
  eligibility: eligibilityBenchmark,
  import: importBenchmark,
  web: webBenchmark,
};

/** Options that take a value (`--rows 1000000`): their values are not benchmark names. */
const VALUED_OPTIONS = new Set(['--rows']);
const args = process.argv.slice(2);
const names = args.filter((a, i) => !a.startsWith('-') && !VALUED_OPTIONS.has(args[i - 1] ?? ''));
const selected = names.length > 0 ? names : Object.keys(BENCHMARKS);
const unknown = selected.filter((n) => !BENCHMARKS[n]);
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}\n`,
  );
  process.exit(2);
}
const say = (line: string) => process.stdout.write(`${line}\n`);
for (const name of selected) {
  say(`== ${name}`);
  const result = await (
    BENCHMARKS[name] as (say: (line: string) => void) => Promise<Record<string, unknown>>
  )(say);
  say(JSON.stringify(result));
}
