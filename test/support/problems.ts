import { expect } from 'vitest';
import type { ErrorCode } from '../../src/lib/errors.ts';

/**
 * Holds an answer to be the problem+json document of `code` with `status` (RFC 9457 members and
 * Libra's request id), and gives the parsed document for the test's own checks. Takes an
 * `app.inject` answer or a raw HTTP answer parsed by the test (headers and body).
 */
export function expectProblem(
  answer: { headers: Record<string, unknown>; body: string },
  status: number,
  code: ErrorCode,
): Record<string, unknown> {
  expect(String(answer.headers['content-type'])).toContain('application/problem+json');
  const problem = JSON.parse(answer.body) as Record<string, unknown>;
  // Written out, not problemType(): the test states the stable URL, it does not ask the code for it.
  expect(problem).toMatchObject({ status, code, type: `/problems/${code.toLowerCase().replace(/_/g, '-')}` });
  expect(typeof problem.requestId).toBe('string');
  return problem;
}
