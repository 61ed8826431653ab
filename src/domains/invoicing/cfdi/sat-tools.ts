/**
 * Debian's libxml2 tools as child processes: xsltproc runs the SAT's stylesheets and xmllint
 * validates against the SAT's schemas. The tests use them as the reference the project's own code
 * is held to; production does not need them (see original-string.ts).
 */
import { spawn } from 'node:child_process';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], input: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    child.stdin.end(input, 'utf8');
  });
}

/** The text output of an XSLT stylesheet on a document, by xsltproc. */
export async function xsltproc(stylesheet: string, xml: string): Promise<string> {
  const r = await run('xsltproc', [stylesheet, '-'], xml);
  if (r.code !== 0) throw new Error(`xsltproc failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Validates a document against a schema with xmllint; `ok` false carries xmllint's messages. */
export async function xmllintSchema(schema: string, xml: string): Promise<{ ok: boolean; messages: string }> {
  const r = await run('xmllint', ['--noout', '--schema', schema, '-'], xml);
  return { ok: r.code === 0, messages: r.stderr.trim() };
}
