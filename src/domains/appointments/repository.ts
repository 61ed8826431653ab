import { and, asc, eq, gt, gte, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { providerSlots } from '../../db/schema/index.ts';

export type SlotRow = typeof providerSlots.$inferSelect;

export class AppointmentsRepository {
  async insertSlot(executor: Executor, row: typeof providerSlots.$inferInsert): Promise<void> {
    await executor.insert(providerSlots).values(row);
  }

  async slotById(executor: Executor, id: string, forUpdate = false): Promise<SlotRow | undefined> {
    const query = executor.select().from(providerSlots).where(eq(providerSlots.id, id));
    const [row] = forUpdate ? await query.for('update') : await query;
    return row;
  }

  /** Every slot of a provider starting in [from, to), full or not: what it has published. */
  async slotsStartingBetween(
    executor: Executor,
    providerId: string,
    from: Date,
    to: Date,
  ): Promise<SlotRow[]> {
    return executor
      .select()
      .from(providerSlots)
      .where(
        and(
          eq(providerSlots.providerId, providerId),
          gte(providerSlots.startsAt, from),
          lt(providerSlots.startsAt, to),
        ),
      );
  }

  /** Slots with room left, from `from` on, of a provider (and a service and specialty when given). */
  async openSlots(
    executor: Executor,
    filter: {
      providerId: string;
      serviceCode?: string | undefined;
      specialty?: string | undefined;
      from: Date;
      to: Date;
    },
  ): Promise<SlotRow[]> {
    return executor
      .select()
      .from(providerSlots)
      .where(
        and(
          eq(providerSlots.providerId, filter.providerId),
          filter.serviceCode ? eq(providerSlots.serviceCode, filter.serviceCode) : undefined,
          filter.specialty
            ? or(eq(providerSlots.specialty, filter.specialty), isNull(providerSlots.specialty))
            : undefined,
          gte(providerSlots.startsAt, filter.from),
          lt(providerSlots.startsAt, filter.to),
          sql`${providerSlots.booked} < ${providerSlots.capacity}`,
        ),
      )
      .orderBy(asc(providerSlots.startsAt));
  }

  /** The provider's slots for the same service and specialty that overlap the given time. */
  async overlapping(
    executor: Executor,
    slot: { providerId: string; serviceCode: string; specialty: string | null; startsAt: Date; endsAt: Date },
  ) {
    const { providerId, serviceCode, specialty, startsAt, endsAt } = slot;
    return executor
      .select({ id: providerSlots.id })
      .from(providerSlots)
      .where(
        and(
          eq(providerSlots.providerId, providerId),
          eq(providerSlots.serviceCode, serviceCode),
          specialty === null ? isNull(providerSlots.specialty) : eq(providerSlots.specialty, specialty),
          lt(providerSlots.startsAt, endsAt),
          gt(providerSlots.endsAt, startsAt),
        ),
      );
  }

  async addBooking(executor: Executor, slotId: string, delta: 1 | -1): Promise<void> {
    await executor
      .update(providerSlots)
      .set({ booked: sql`${providerSlots.booked} + ${delta}` })
      .where(eq(providerSlots.id, slotId));
  }
}
