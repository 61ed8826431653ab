// Prints the test files that reach a database: those whose run-time imports lead to
// test/support/database.ts or src/db/client.ts, or that name TEST_DATABASE_URL (they hand it to a
// child process). The PostgreSQL pass runs only these: a test that never opens a database proves
// nothing more the second time. Usage: node --import tsx .ci/database-tests.ts [--browser|--no-browser]
import { readFileSync } from 'node:fs';
import { importGraph } from '../test/support/import-graph.ts';

const DATABASE = new Set(['test/support/database.ts', 'src/db/client.ts']);
/**
 * Files that open a database but gain nothing from a second engine, run on PGlite only. The access
 * matrix (189 checks, ~125 s a pass on CI) sends one request at a time and reads the answer's status:
 * the same SQL on both engines (PGlite is PostgreSQL compiled to WebAssembly); what PostgreSQL adds —
 * connections at once, the pg driver, locks between sessions — it never exercises.
 */
const ONE_ENGINE = new Set(['test/access-matrix.test.ts']);
const { files, edges } = importGraph(['src', 'test']);
const next = new Map<string, string[]>();
for (const edge of edges) {
  if (edge.typeOnly) continue;
  next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
}

function reachesDatabase(start: string): boolean {
  const seen = new Set<string>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (DATABASE.has(file)) return true;
    for (const to of next.get(file) ?? []) {
      if (!seen.has(to)) {
        seen.add(to);
        stack.push(to);
      }
    }
  }
  return false;
}

/** The test files that open a database, browser tests included or not. */
export function databaseTests(mode?: '--browser' | '--no-browser'): string[] {
  return files
    .filter((file) => file.endsWith('.test.ts'))
    .filter((file) => (mode === '--browser' ? file.endsWith('.browser.test.ts') : true))
    .filter((file) => (mode === '--no-browser' ? !file.endsWith('.browser.test.ts') : true))
    .filter((file) => !ONE_ENGINE.has(file))
    .filter((file) => reachesDatabase(file) || readFileSync(file, 'utf8').includes('TEST_DATABASE_URL'))
    .sort();
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  console.log(databaseTests(process.argv[2] as '--browser' | '--no-browser' | undefined).join('\n'));
}
