import { Counter, type Registry } from 'prom-client';
import type { Outbox } from './outbox.ts';

/**
 * `libra_notifications_total{channel,kind,outcome}` in /metrics: messages sent, failed, retried or
 * kept for want of a channel, as this process's outbox saw them.
 */
export function registerOutboxMetrics(outbox: Outbox, registry: Registry): void {
  const counter = new Counter({
    name: 'libra_notifications_total',
    help: 'Message delivery outcomes by channel, kind and outcome (sent, failed, retry, unconfigured).',
    labelNames: ['channel', 'kind', 'outcome'] as const,
    registers: [registry],
  });
  outbox.onDelivery(({ channel, kind, outcome }) => counter.inc({ channel, kind, outcome }));
}
