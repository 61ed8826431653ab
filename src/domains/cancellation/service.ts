import type { Static } from '@sinclair/typebox';
import { DateTime } from 'luxon';
import type { Database, Executor } from '../../db/client.ts';
import { nextHumanNumber } from '../../db/numbers.ts';
import { CANCELLATION_LINE_HOURS, isOpen } from '../../lib/business-hours.ts';
import { type Clock, MEXICO_CITY } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { formatLongDate, formatMessage } from '../../lib/words.ts';
import type { Jobs } from '../../platform/jobs.ts';
import { type Actor, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { BillingService } from '../billing/service.ts';
import type { RefundView } from '../billing/views.ts';
import type { EventRecorder, SalesChannel } from '../events/recorder.ts';
import { clearanceFor } from '../members/clearance.ts';
import type { MembershipRecord } from '../members/repository.ts';
import type { MembersService } from '../members/service.ts';
import type { Notifier } from '../notifications/notifier.ts';
import type { NotificationsRepository } from '../notifications/repository.ts';
import type { ConfirmationForecastType, NotificationsService } from '../notifications/service.ts';
import './errors.ts';
import type { CancellationRecord, CancellationRepository } from './repository.ts';
import type { CancellationView } from './schemas.ts';

type CancellationViewType = Static<typeof CancellationView>;

/** The line that takes cancellations (SPEC, and the program's page). */
export const CANCELLATION_LINE = {
  phone: '55 5480 0900',
  international: '+52 55 5480 0900 (opción 5)',
  hours: {
    es: 'Lunes a viernes de 08:00 a 21:00 h y sábados de 09:00 a 17:00 h (hora de la Ciudad de México); desde el extranjero, las 24 horas.',
    en: 'Monday to Friday 08:00–21:00 and Saturday 09:00–17:00 (Mexico City time); from abroad, 24 hours.',
  },
} as const;

/** Natural days after contracting within which a cancellation without use is refunded (SPEC). */
export const REFUND_WINDOW_DAYS = 30;

export const CANCELLATION_REFUNDS_QUEUE = 'cancellation-refunds';

const REFUND_REASON = 'Cancelación dentro de los 30 días naturales sin uso de asistencias';

export interface Reason {
  code: string;
  ok: boolean;
  es: string;
  en: string;
}

export interface RefundDecision {
  eligible: boolean;
  reasons: Reason[];
  /** What would be given back: everything paid and not yet refunded. */
  amountCentavos: number;
}

function line(at: Date) {
  return { ...CANCELLATION_LINE, openNow: isOpen(CANCELLATION_LINE_HOURS, at) };
}

/** Natural days from the contracting date to `at`'s date, in Mexico City. */
function naturalDaysSince(contractedAt: Date, at: Date): number {
  const from = DateTime.fromJSDate(contractedAt, { zone: MEXICO_CITY }).startOf('day');
  const to = DateTime.fromJSDate(at, { zone: MEXICO_CITY }).startOf('day');
  return Math.round(to.diff(from, 'days').days);
}

/**
 * Cancelling a membership (SPEC): free, immediate, no charge after it, coverage to the end of the
 * period already paid — or, within 30 natural days of contracting and without any assistance
 * used, everything paid is refunded and coverage ends at once. Online only for memberships
 * contracted online; an agent cancels any, by phone, with the member's reason.
 */
export class CancellationService {
  constructor(
    private readonly db: Database,
    private readonly repository: CancellationRepository,
    private readonly notifications: NotificationsRepository,
    private readonly notifier: Notifier,
    private readonly members: MembersService,
    private readonly billing: BillingService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    /** What will become of the confirmation message, for the answer to say it truthfully. */
    private readonly messages: Pick<NotificationsService, 'forecast'>,
    /** The event log partners read: the cancellation, in its transaction. */
    private readonly events: EventRecorder,
  ) {}

  /** Whether the cancellation's confirmation will be sent, and by which channels. */
  private confirmationOf(executor: Executor, membershipId: string): Promise<ConfirmationForecastType> {
    return this.messages.forecast(executor, membershipId, 'cancellation_confirmation');
  }

  /** The refund decision, with every reason, as it stands at `at`. */
  private async decide(executor: Executor, m: MembershipRecord, at: Date): Promise<RefundDecision> {
    const days = naturalDaysSince(m.contractedAt, at);
    const contracted = formatLongDate(m.contractedAt, 'es');
    const contractedEn = formatLongDate(m.contractedAt, 'en');
    const within = days <= REFUND_WINDOW_DAYS;
    const used = await this.repository.assistanceUsed(executor, m.id);
    const reasons: Reason[] = [
      within
        ? {
            code: 'WITHIN_REFUND_WINDOW',
            ok: true,
            es: formatMessage(
              'Contrataste el {contracted}: {days, plural, one {va #} other {van #}} de los {window} días naturales para cancelar con reembolso.',
              { contracted, days, window: REFUND_WINDOW_DAYS },
              'es',
            ),
            en: formatMessage(
              'You contracted on {contracted}: {days} of the {window} calendar days to cancel with a refund {days, plural, one {has} other {have}} passed.',
              { contracted: contractedEn, days, window: REFUND_WINDOW_DAYS },
              'en',
            ),
          }
        : {
            code: 'REFUND_WINDOW_PASSED',
            ok: false,
            es: `Contrataste el ${contracted}, hace ${days} días naturales; el reembolso aplica solo dentro de los primeros ${REFUND_WINDOW_DAYS}.`,
            en: `You contracted on ${contractedEn}, ${days} natural days ago; the refund applies only within the first ${REFUND_WINDOW_DAYS}.`,
          },
      used
        ? {
            code: 'ASSISTANCE_USED',
            ok: false,
            es: 'Ya usaste al menos una asistencia, así que no aplica el reembolso.',
            en: 'At least one assistance was already used, so no refund applies.',
          }
        : {
            code: 'NO_ASSISTANCE_USED',
            ok: true,
            es: 'No has usado ninguna asistencia.',
            en: 'No assistance has been used.',
          },
    ];
    const eligible = reasons.every((r) => r.ok);
    return {
      eligible,
      reasons,
      amountCentavos: eligible ? await this.billing.refundableCentavos(executor, m.id) : 0,
    };
  }

  /** Without the refund: the free months, or the period last paid for; never before now. */
  private async coverageEnd(executor: Executor, m: MembershipRecord, at: Date): Promise<Date> {
    const paid = m.state === 'trial' ? m.trialEndsAt : await this.billing.paidThrough(executor, m.id, at);
    return paid && paid.getTime() > at.getTime() ? paid : at;
  }

  /**
   * What cancelling now would do, for the customer to see before confirming (and the agent to read
   * out): whether it can be done online, the refund decision, until when coverage would last.
   */
  async preview(actor: Actor, membershipId: string) {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const { membership: m } = await this.members.load(tx, actor, membershipId);
      const verification = await clearanceFor(tx, actor, membershipId, now);
      const done = await this.repository.ofMembership(tx, membershipId);
      const refund = m.state === 'cancelled' ? null : await this.decide(tx, m, now);
      const coverageEndsAt =
        m.state === 'cancelled'
          ? (m.coverageEndsAt ?? now)
          : refund?.eligible
            ? now
            : await this.coverageEnd(tx, m, now);
      if (actor.principal?.kind === 'user' && actor.principal.role !== 'customer') {
        await this.audit.record(tx, actor, {
          action: 'membership.cancellation_preview',
          recordType: 'membership',
          recordId: membershipId,
          ...(verification ? { details: { verification } } : {}),
        });
      }
      return {
        membershipId,
        state: m.state,
        cancellable: m.state !== 'cancelled',
        canCancelOnline: m.channel === 'online',
        cancellationLine: line(now),
        refund,
        coverageEndsAt: coverageEndsAt.toISOString(),
        cancellation: done ? this.present(done, [], await this.confirmationOf(tx, membershipId)) : null,
      };
    });
  }

  async cancel(actor: Actor, membershipId: string, input: { reason?: string | undefined }) {
    const p = actor.principal;
    const byCustomer = p?.kind === 'user' && p.role === 'customer';
    const reason = input.reason?.trim() ?? '';
    if (!byCustomer && reason.length < 3) throw new AppError('CANCELLATION_REASON_REQUIRED');
    const now = this.clock.now();

    const record = await this.db.transaction(async (tx) => {
      const { membership: m } = await this.members.load(tx, actor, membershipId, true);
      const verification = await clearanceFor(tx, actor, membershipId, this.clock.now());
      if (byCustomer && m.channel !== 'online') {
        throw new AppError('CANCELLATION_BY_PHONE_ONLY', { extensions: { cancellationLine: line(now) } });
      }
      if (m.state === 'cancelled') throw new AppError('MEMBERSHIP_CANCELLED');
      const refund = await this.decide(tx, m, now);
      const coverageEndsAt = refund.eligible ? now : await this.coverageEnd(tx, m, now);
      const channel = byCustomer ? 'online' : 'phone';
      const outsideHours = channel === 'phone' && !isOpen(CANCELLATION_LINE_HOURS, now);
      const said = reason || 'Cancelación en línea';
      await this.members.changeState(
        tx,
        actor,
        membershipId,
        'cancelled',
        `Cancelación (${channel}): ${said}`,
        {
          coverageEndsAt,
        },
      );
      await this.billing.stopRetries(tx, membershipId);
      await this.notifications.withdrawPending(tx, membershipId, ['charge_notice']);
      const record: CancellationRecord = {
        id: newId(),
        number: await nextHumanNumber(tx, 'LC', now),
        membershipId,
        channel,
        reason: said,
        requestedByType: p ? p.kind : 'system',
        requestedById: p ? (p.kind === 'user' ? p.userId : p.apiKeyId) : null,
        outsideHours,
        refundEligible: refund.eligible,
        refundReasons: refund.reasons.map(({ code, es, en }) => ({ code, es, en })),
        refundStatus: refund.eligible && refund.amountCentavos > 0 ? 'pending' : 'not_applicable',
        coverageEndsAt,
        createdAt: now,
      };
      await this.repository.insert(tx, record);
      await this.events.record(tx, [
        {
          type: 'cancellation.created',
          membershipId,
          channel: m.channel as SalesChannel,
          data: {
            cancellationId: record.id,
            number: record.number,
            membershipId,
            membershipNumber: m.number,
            channel,
            outsideHours,
            refundEligible: refund.eligible,
            refundCentavos: refund.amountCentavos,
            coverageEndsAt: coverageEndsAt.toISOString(),
          },
        },
      ]);
      await this.notifier.toMember(tx, {
        kind: 'cancellation_confirmation',
        membershipId: m.id,
        subjectKey: `cancellation:${record.id}`,
        params: {
          membershipNumber: m.number,
          cancellationNumber: record.number,
          coverageEndsAt: record.coverageEndsAt,
          refundEligible: refund.eligible,
          refundCentavos: refund.amountCentavos,
          cardLast4: m.cardLast4,
        },
      });
      await this.audit.record(tx, actor, {
        action: 'membership.cancel',
        recordType: 'membership',
        recordId: membershipId,
        details: {
          confirmationNumber: record.number,
          channel,
          outsideHours,
          refundEligible: refund.eligible,
          refundCentavos: refund.amountCentavos,
          ...(verification ? { verification } : {}),
        },
      });
      return record;
    });

    // Outside the transaction: the processor is never called inside one. Should this stop half
    // way, the cancellation-refunds job finishes it under the same keys.
    const refunds = record.refundStatus === 'pending' ? await this.finishRefunds(record) : [];
    const stored = (await this.repository.ofMembership(this.db, membershipId)) ?? record;
    return this.present(stored, refunds, await this.confirmationOf(this.db, membershipId));
  }

  /** Refunds everything paid, once (keys per cancellation and charge); marks it done when all went through. */
  private async finishRefunds(record: CancellationRecord): Promise<RefundView[]> {
    const { refunds, complete } = await this.billing.refundAll(
      SYSTEM_ACTOR,
      record.membershipId,
      REFUND_REASON,
      `cancellation:${record.id}`,
    );
    if (complete) await this.repository.setRefundStatus(this.db, record.id, 'completed');
    return refunds;
  }

  /** Cancellations whose refunds did not all go through (a crash, the processor down): again. */
  async finishPendingRefunds(): Promise<number> {
    let finished = 0;
    for (const record of await this.repository.pendingRefunds(this.db, 200)) {
      await this.finishRefunds(record);
      finished++;
    }
    return finished;
  }

  registerJobs(jobs: Jobs): void {
    jobs.handle(
      CANCELLATION_REFUNDS_QUEUE,
      async () => {
        await this.finishPendingRefunds();
      },
      { policy: 'singleton', expireInSeconds: 900, schedule: { cron: '*/15 * * * *', tz: MEXICO_CITY } },
    );
  }

  present(
    c: CancellationRecord,
    refunds: RefundView[],
    confirmation: ConfirmationForecastType,
  ): CancellationViewType {
    return {
      id: c.id,
      confirmationNumber: c.number,
      membershipId: c.membershipId,
      channel: c.channel as CancellationViewType['channel'],
      reason: c.reason,
      outsideHours: c.outsideHours,
      cancellationLine: CANCELLATION_LINE,
      cancelledAt: c.createdAt.toISOString(),
      coverageEndsAt: c.coverageEndsAt.toISOString(),
      refund: {
        eligible: c.refundEligible,
        reasons: c.refundReasons,
        status: c.refundStatus as CancellationViewType['refund']['status'],
        amountCentavos: refunds.reduce((sum, r) => sum + (r.status === 'failed' ? 0 : r.amountCentavos), 0),
        refunds,
      },
      confirmation,
    };
  }
}
