import type { TestApp } from '../app.ts';
import { bearer } from '../auth.ts';

/** The bad-input world's test clock: one of the world's partner key, with the bodies its routes take. */
export async function testClockWorld(t: TestApp, partnerKey: string) {
  const made = await t.app.inject({
    method: 'POST',
    url: '/v1/test-clocks',
    headers: bearer(partnerKey),
    payload: { name: 'Mundo', frozenTime: '2027-01-10T18:00:00Z' },
  });
  if (made.statusCode !== 201) throw new Error(`test clock: ${made.statusCode} ${made.body}`);
  return {
    ids: { 'test-clocks': made.json().id as string },
    bodies: {
      'POST /v1/test-clocks': { name: 'Renovaciones', frozenTime: '2027-01-10T18:00:00Z' },
      'POST /v1/test-clocks/{id}/advance': { to: '2027-01-11T18:00:00Z' },
    },
  };
}
