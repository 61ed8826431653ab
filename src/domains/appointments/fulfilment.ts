import type { Transaction } from '../../db/client.ts';
import { type FulfilmentModule, NOTHING_TO_DO } from '../cases/fulfilment.ts';
import type { CaseRow } from '../cases/repository.ts';
import { type CaseViewParts, iso } from '../cases/views.ts';
import './errors.ts';
import type { NotificationRow, NotificationsRepository } from '../notifications/repository.ts';
import type { AppointmentsRepository } from './repository.ts';

function appointmentOf(kase: CaseRow, notifications: NotificationRow[]): CaseViewParts {
  return {
    appointment: {
      at: iso(kase.appointmentAt),
      slotId: kase.slotId,
      notifications: notifications.map((n) => ({
        kind: n.kind,
        channel: n.channel,
        sendAt: n.sendAt.toISOString(),
        status: n.status,
        es: n.bodyEs,
        en: n.bodyEn,
      })),
    },
  };
}

/**
 * The appointment fulfilment: a slot the provider published is booked (specialist, nurse,
 * equipment). Opening the case books nothing (the customer picks a slot next); a cancelled booking
 * frees its place in the slot and its reminders; a kept or missed appointment ends its reminders.
 */
export class AppointmentFulfilment implements FulfilmentModule {
  readonly kind = 'appointment' as const;
  /** An appointment's time is the slot the customer books, not a target to beat: no SLA. */
  readonly measuredAgainstSla = false;
  readonly checkRequest = NOTHING_TO_DO.checkRequest;
  readonly opened = NOTHING_TO_DO.opened;

  constructor(
    private readonly repository: AppointmentsRepository,
    private readonly notifications: NotificationsRepository,
  ) {}

  async cancelled(tx: Transaction, kase: CaseRow): Promise<void> {
    if (kase.slotId && kase.state === 'booked') {
      await this.repository.addBooking(tx, kase.slotId, -1);
      await this.notifications.withdrawPendingOfCase(tx, kase.id);
    }
  }

  async completed(tx: Transaction, kase: CaseRow): Promise<void> {
    await this.notifications.withdrawPendingOfCase(tx, kase.id);
  }

  /** The appointment with its own messages (its confirmation and reminders, not the case's others). */
  async viewParts(tx: Transaction, kase: CaseRow): Promise<CaseViewParts> {
    const messages = await this.notifications.ofCase(tx, kase.id);
    return appointmentOf(
      kase,
      messages.filter((m) => m.kind.startsWith('appointment_')),
    );
  }

  listParts(kase: CaseRow): CaseViewParts {
    return appointmentOf(kase, []);
  }
}
