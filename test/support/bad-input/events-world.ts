import { sql } from 'drizzle-orm';
import { rows } from '../../../src/db/client.ts';
import type { TestApp } from '../app.ts';
import { bearer } from '../auth.ts';

/**
 * The bad-input world's webhook records: an endpoint of the world's partner key and one delivery
 * owed to it, with the bodies its routes take.
 */
export async function webhookWorld(t: TestApp, partnerKey: string) {
  const made = await t.app.inject({
    method: 'POST',
    url: '/v1/webhook-endpoints',
    headers: bearer(partnerKey),
    payload: { url: 'https://hooks.banco.example/libra' },
  });
  if (made.statusCode !== 201) throw new Error(`webhook endpoint: ${made.statusCode} ${made.body}`);
  const endpointId = made.json().id as string;
  await t.database.handle.db.transaction((tx) =>
    t.services.eventLog.record(tx, [{ type: 'complaint.created', channel: 'bank', data: { world: true } }]),
  );
  for (let tries = 0; ; tries++) {
    await t.services.webhookDelivery.fanOut();
    const [row] = await rows<{ id: string }>(
      t.database.handle.db,
      sql`select id from webhook_deliveries where endpoint_id = ${endpointId} limit 1`,
    );
    if (row)
      return {
        ids: { 'webhook-endpoints': endpointId, deliveries: row.id },
        bodies: {
          'POST /v1/webhook-endpoints': {
            url: 'https://hooks.banco.example/otro',
            description: 'Banco, pruebas',
            eventTypes: ['charge.succeeded', 'charge.failed'],
          },
          'POST /v1/webhook-endpoints/{id}/secret-rotations': { previousSecretHours: 24 },
        },
      };
    // On PostgreSQL the event may wait a moment for an older transaction elsewhere to end.
    if (tries > 100) throw new Error('no webhook delivery was made');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
