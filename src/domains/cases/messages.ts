import type { Executor } from '../../db/client.ts';
import type { Actor } from '../../platform/principal.ts';
import { serviceNames } from '../catalog/read-model.ts';
import type { Decision } from '../entitlements/decide.ts';
import type { Bilingual, MessageKind, MessageParams } from '../notifications/catalogue.ts';
import type { MessageLinks, Notifier } from '../notifications/notifier.ts';
import type { ProviderDirectory } from './kernel.ts';
import type { CaseRow } from './repository.ts';

/** The kinds of message that are about one case (they name its number). */
export type CaseMessageKind = {
  [K in MessageKind]: MessageParams[K] extends { caseNumber: string } ? K : never;
}[MessageKind];

/** What the caller says of a case's message: the number and the service's name are the case's own. */
export type CaseMessageParams<K extends CaseMessageKind> = Omit<
  MessageParams[K],
  'caseNumber' | 'serviceName'
>;

/** The reasons a decision refused the request, in both languages, as the customer reads them. */
export function refusalReason(decision: Pick<Decision, 'reasons'>): Bilingual {
  const failing = decision.reasons.filter((r) => !r.ok);
  return { es: failing.map((r) => r.es).join(' '), en: failing.map((r) => r.en).join(' ') };
}

function isCustomer(actor: Actor): boolean {
  const p = actor.principal;
  return p?.kind === 'user' && p.role === 'customer';
}

/**
 * The messages a case owes people, written through the `Notifier` inside the transaction of the
 * act they tell about (a rollback leaves none). Each is about one case: the case's number and its
 * service's name are filled in here, and its subject key `case:<id>:<event>` makes it once-only
 * (an act retried or repeated writes no second message). The kernel holds one; each kind of help
 * calls it where it appends the event the message tells about.
 */
export class CaseMessages {
  constructor(
    private readonly notifier: Notifier,
    private readonly providers: ProviderDirectory,
  ) {}

  get links(): MessageLinks {
    return this.notifier.links;
  }

  async serviceName(executor: Executor, serviceCode: string): Promise<Bilingual> {
    const [found] = await serviceNames(executor, [serviceCode]);
    return found ? { es: found.nameEs, en: found.nameEn } : { es: serviceCode, en: serviceCode };
  }

  /** The company's name as the customer reads it in a message. */
  async providerName(executor: Executor, providerId: string | null): Promise<string> {
    const provider = providerId ? await this.providers.provider(executor, providerId) : undefined;
    return provider?.name ?? 'Tu proveedor';
  }

  /** A message to the membership's titular about the case, once per `event` of the case. */
  async toTitular<K extends CaseMessageKind>(
    executor: Executor,
    kase: Pick<CaseRow, 'id' | 'number' | 'membershipId' | 'serviceCode'>,
    message: { kind: K; params: CaseMessageParams<K>; event: string; sendAt?: Date | undefined },
  ): Promise<void> {
    await this.notifier.toMember(executor, {
      kind: message.kind,
      membershipId: kase.membershipId,
      caseId: kase.id,
      params: await this.fill(executor, kase, message.params),
      subjectKey: `case:${kase.id}:${message.event}`,
      ...(message.sendAt ? { sendAt: message.sendAt } : {}),
    });
  }

  /** A message to a provider's dispatch phone about the case, once per `subjectKey`. */
  async toProvider<K extends CaseMessageKind>(
    executor: Executor,
    kase: Pick<CaseRow, 'id' | 'number' | 'serviceCode'>,
    message: { kind: K; providerId: string; params: CaseMessageParams<K>; subjectKey: string },
  ): Promise<void> {
    await this.notifier.toProvider(executor, {
      kind: message.kind,
      providerId: message.providerId,
      caseId: kase.id,
      params: await this.fill(executor, kase, message.params),
      subjectKey: message.subjectKey,
    });
  }

  /**
   * The case ended without its service: refused (not eligible, at the request or later), or
   * cancelled by staff or a partner. The titular reads why — unless the customer did it themselves,
   * on their own screen, where the answer already says it.
   */
  async closedWithoutService(
    executor: Executor,
    actor: Actor,
    kase: Pick<CaseRow, 'id' | 'number' | 'membershipId' | 'serviceCode'>,
    closing: 'refused' | 'cancelled',
    reason: Bilingual,
  ): Promise<void> {
    if (isCustomer(actor)) return;
    await this.toTitular(executor, kase, {
      kind: 'case_refused',
      params: { reason, closing },
      event: 'closed',
    });
  }

  private async fill<K extends CaseMessageKind>(
    executor: Executor,
    kase: Pick<CaseRow, 'number' | 'serviceCode'>,
    params: CaseMessageParams<K>,
  ): Promise<MessageParams[K]> {
    return {
      ...params,
      caseNumber: kase.number,
      serviceName: await this.serviceName(executor, kase.serviceCode),
    } as unknown as MessageParams[K];
  }
}
