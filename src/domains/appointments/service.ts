import type { Database, Transaction } from '../../db/client.ts';
import { type Clock, MINUTE_MS } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { type Actor, isStaff } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { CaseKernel } from '../cases/kernel.ts';
import { type CaseState, canMove } from '../cases/lifecycle.ts';
import type { CaseRow } from '../cases/repository.ts';
import type { CaseDetails } from '../cases/request.ts';
import type { CaseView } from '../cases/views.ts';
import type { CatalogRepository } from '../catalog/repository.ts';
import type { DispatchService } from '../dispatch/service.ts';
import { usageKey } from '../entitlements/decide.ts';
import type { NotificationsRepository } from '../notifications/repository.ts';
import './errors.ts';
import type { AppointmentsRepository, SlotRow } from './repository.ts';

/**
 * Appointments: providers publish slots, and an appointment case is booked into one (or moved to
 * another). The provider's attendance is reported on its job (onsite's provider side).
 */
export class AppointmentsService {
  constructor(
    private readonly db: Database,
    private readonly kernel: CaseKernel,
    private readonly repository: AppointmentsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly dispatch: DispatchService,
    private readonly catalog: CatalogRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** A provider publishes a slot for one of its services (and a specialty, for consultations). */
  async publishSlot(
    actor: Actor,
    input: {
      serviceCode: string;
      specialty?: string | undefined;
      startsAt: Date;
      durationMinutes: number;
      capacity: number;
    },
  ): Promise<SlotRow> {
    const providerId = this.dispatch.providerIdOf(actor);
    const now = this.clock.now();
    if (input.startsAt <= now) throw new AppError('SLOT_IN_PAST');
    return this.db.transaction(async (tx) => {
      const provider = await this.dispatch.lockProvider(tx, providerId);
      const service = await this.catalog.serviceByCode(tx, input.serviceCode);
      if (!service || service.fulfilment !== 'appointment' || !provider.services.includes(input.serviceCode))
        throw new AppError('PROVIDER_CANNOT_SERVE');
      const endsAt = new Date(input.startsAt.getTime() + input.durationMinutes * MINUTE_MS);
      const specialty = input.specialty ? usageKey(input.specialty) : null;
      const slot: SlotRow = {
        id: newId(),
        providerId,
        serviceCode: input.serviceCode,
        specialty,
        startsAt: input.startsAt,
        endsAt,
        capacity: input.capacity,
        booked: 0,
        createdAt: now,
      };
      if ((await this.repository.overlapping(tx, slot)).length) throw new AppError('SLOT_OVERLAPS');
      await this.repository.insertSlot(tx, slot);
      await this.audit.record(tx, actor, {
        action: 'slot.publish',
        recordType: 'provider',
        recordId: providerId,
      });
      return slot;
    });
  }

  /** Every slot a provider published starting in [from, to), full or not (the demo seed's check). */
  async publishedSlots(providerId: string, from: Date, to: Date): Promise<SlotRow[]> {
    return this.repository.slotsStartingBetween(this.db, providerId, from, to);
  }

  async openSlots(
    providerId: string,
    filter: { serviceCode?: string | undefined; specialty?: string | undefined; days: number },
  ): Promise<SlotRow[]> {
    if (!(await this.dispatch.provider(this.db, providerId))) throw new AppError('PROVIDER_NOT_FOUND');
    const from = this.clock.now();
    return this.repository.openSlots(this.db, {
      providerId,
      serviceCode: filter.serviceCode,
      specialty: filter.specialty ? usageKey(filter.specialty) : undefined,
      from,
      to: new Date(from.getTime() + filter.days * 24 * 60 * MINUTE_MS),
    });
  }

  /**
   * Books the appointment case into a slot, or moves it to another. The first booking reserves
   * the use (the decision is taken again under the membership's lock); a move keeps it. A use the
   * membership no longer has (the specialty or the year's last consultation taken by another case
   * meanwhile, the membership fallen past due) closes the case as refused with its reasons, like
   * every late refusal, and the caller is answered with that refusal's error — thrown once the
   * transaction has committed, so the refused case stays.
   */
  async book(actor: Actor, caseId: string, slotId: string): Promise<CaseView> {
    const outcome = await this.db.transaction(
      async (tx): Promise<{ view: CaseView } | { refusal: AppError }> => {
        const kase = await this.kernel.lock(tx, caseId);
        await this.kernel.authorize(tx, actor, kase);
        if (kase.fulfilment !== 'appointment' || !canMove(kase.state as CaseState, 'booked'))
          throw new AppError('CASE_NOT_BOOKABLE', { extensions: { state: kase.state } });
        const slot = await this.repository.slotById(tx, slotId, true);
        if (!slot) throw new AppError('SLOT_NOT_FOUND');
        const specialty = (kase.details as CaseDetails)?.specialty;
        if (
          slot.serviceCode !== kase.serviceCode ||
          (slot.specialty !== null && (!specialty || usageKey(specialty) !== slot.specialty))
        )
          throw new AppError('SLOT_NOT_SUITABLE');
        const now = this.clock.now();
        if (slot.startsAt <= now) throw new AppError('SLOT_IN_PAST');
        const staff = isStaff(actor.principal);
        if (kase.slotId === slot.id) return { view: await this.kernel.view(tx, kase, staff) };
        if (slot.booked >= slot.capacity) throw new AppError('SLOT_FULL');
        const moving = kase.state === 'booked';
        let reservationId = kase.reservationId;
        if (!moving) {
          const reserved = await this.kernel.reserveOrClose(tx, actor, kase);
          if ('refusal' in reserved) {
            const { refusal } = reserved;
            return {
              refusal: new AppError(refusal.code, {
                ...refusal.options,
                extensions: { ...refusal.options.extensions, caseId, caseState: 'refused' },
              }),
            };
          }
          reservationId = reserved.reservationId;
        } else if (kase.slotId) {
          await this.repository.addBooking(tx, kase.slotId, -1);
          await this.notifications.withdrawPendingOfCase(tx, caseId);
        }
        await this.repository.addBooking(tx, slot.id, 1);
        await this.kernel.update(tx, caseId, {
          state: 'booked',
          providerId: slot.providerId,
          slotId: slot.id,
          appointmentAt: slot.startsAt,
          reservationId,
          ...(moving ? {} : { dispatchedAt: now }),
          updatedAt: now,
        });
        const provider = await this.dispatch.provider(tx, slot.providerId);
        const booked = await this.kernel.append(
          tx,
          actor,
          kase,
          moving ? 'rescheduled' : 'booked',
          'booked',
          null,
          {
            slotId: slot.id,
            providerId: slot.providerId,
            providerName: provider?.name ?? null,
            appointmentAt: slot.startsAt.toISOString(),
            ...(moving && kase.appointmentAt
              ? { previousAppointmentAt: kase.appointmentAt.toISOString() }
              : {}),
          },
        );
        await this.tellAppointment(tx, kase, booked.seq, slot, provider?.name ?? '', now);
        await this.kernel.auditAction(tx, actor, moving ? 'case.reschedule' : 'case.book', caseId, {
          slotId,
        });
        return { view: await this.kernel.viewAfter(tx, caseId, staff) };
      },
    );
    if ('refusal' in outcome) throw outcome.refusal;
    return outcome.view;
  }

  /**
   * A confirmation now, and reminders a day and two hours before (those still ahead), once per
   * booking or move (the event's number is in their subject key; a move withdraws the earlier ones).
   */
  private async tellAppointment(
    tx: Transaction,
    kase: CaseRow,
    seq: number,
    slot: SlotRow,
    providerName: string,
    now: Date,
  ): Promise<void> {
    const params = { providerName, at: slot.startsAt };
    await this.kernel.messages.toTitular(tx, kase, {
      kind: 'appointment_confirmation',
      params,
      event: `booking:${seq}:confirmation`,
    });
    for (const kind of ['appointment_reminder_24h', 'appointment_reminder_2h'] as const) {
      const hours = kind === 'appointment_reminder_24h' ? 24 : 2;
      const sendAt = new Date(slot.startsAt.getTime() - hours * 60 * MINUTE_MS);
      if (sendAt <= now) continue;
      await this.kernel.messages.toTitular(tx, kase, {
        kind,
        params,
        event: `booking:${seq}:reminder_${hours}h`,
        sendAt,
      });
    }
  }
}
