import type { Transaction } from '../../db/client.ts';
import { MINUTE_MS } from '../../lib/clock.ts';
import type { CaseKernel } from '../cases/kernel.ts';
import type { CaseRow } from '../cases/repository.ts';
import { MEXICAN_STATE_NAMES } from '../dispatch/geo.ts';
import type { PendingOffer } from '../dispatch/service.ts';

/**
 * What a provider going to the place tells people, each called where its timeline event is
 * appended: the titular hears who is coming, that they are on the way, arrived, finished, or that
 * an excess waits for an answer; the provider's dispatch phone hears of each offer it is made.
 */

/** Minutes until `etaAt`, when it is still ahead. */
function minutesUntil(etaAt: Date | null, now: Date): number | null {
  if (!etaAt || etaAt <= now) return null;
  return Math.ceil((etaAt.getTime() - now.getTime()) / MINUTE_MS);
}

/** A provider will go (an accepted offer or an agent's hand assignment, once dispatched). */
export async function tellProviderAssigned(
  kernel: CaseKernel,
  tx: Transaction,
  kase: CaseRow,
): Promise<void> {
  await kernel.messages.toTitular(tx, kase, {
    kind: 'case_provider_assigned',
    params: {
      providerName: await kernel.messages.providerName(tx, kase.providerId),
      etaMinutes: kase.etaMinutes,
    },
    event: 'provider_assigned',
  });
}

/** The provider's progress: on the way (with the time left when known), arrived, finished. */
export async function tellProgress(
  kernel: CaseKernel,
  tx: Transaction,
  kase: CaseRow,
  status: 'en_route' | 'on_site' | 'completed',
  now: Date,
): Promise<void> {
  if (status === 'completed') {
    await kernel.messages.toTitular(tx, kase, { kind: 'case_completed', params: {}, event: 'completed' });
    return;
  }
  const providerName = await kernel.messages.providerName(tx, kase.providerId);
  if (status === 'en_route')
    await kernel.messages.toTitular(tx, kase, {
      kind: 'case_provider_en_route',
      params: { providerName, etaMinutes: minutesUntil(kase.etaAt, now) },
      event: 'en_route',
    });
  else
    await kernel.messages.toTitular(tx, kase, {
      kind: 'case_provider_arrived',
      params: { providerName },
      event: 'on_site',
    });
}

/** The quote goes over the cap and the customer must accept the excess: the link to the case page. */
export async function tellExcess(
  kernel: CaseKernel,
  tx: Transaction,
  kase: CaseRow,
  excessCentavos: number,
): Promise<void> {
  await kernel.messages.toTitular(tx, kase, {
    kind: 'case_excess_to_accept',
    params: { amountCentavos: excessCentavos, acceptUrl: kernel.messages.links.case(kase.id) },
    event: 'excess',
  });
}

/**
 * Where the job is, as far as an offer may say before it is accepted: the parts of the address after
 * the street (colonia, municipality, state), leaving out any part with a number in it (street
 * numbers, interior numbers, postal codes); the state's name when the address says no more. Never
 * the street, nor who asked.
 */
export function generalArea(addressText: string, stateCode: string | null): string {
  const parts = addressText
    .split(',')
    .slice(1)
    .map((p) => p.trim())
    .filter((p) => p.length > 0 && !/\d/.test(p));
  if (parts.length > 0) return [...new Set(parts)].join(', ');
  return stateCode ? (MEXICAN_STATE_NAMES[stateCode as keyof typeof MEXICAN_STATE_NAMES] ?? '') : '';
}

/** A text to the provider's dispatch phone: drivers do not keep the page open. */
export async function alertProviderOfOffer(
  kernel: CaseKernel,
  tx: Transaction,
  kase: CaseRow,
  offer: PendingOffer,
): Promise<void> {
  await kernel.messages.toProvider(tx, kase, {
    kind: 'provider_offer',
    providerId: offer.providerId,
    params: {
      place: generalArea(kase.addressText, kase.stateCode),
      distanceKm: offer.distanceKm,
      expiresAt: offer.expiresAt,
      jobsUrl: kernel.messages.links.providerJobs(),
    },
    subjectKey: `offer:${offer.id}`,
  });
}
