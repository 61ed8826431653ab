import { DateTime } from 'luxon';
import type { Database, Executor } from '../../db/client.ts';
import { type Clock, ManualClock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { type Actor, isStaff } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { BillingService } from '../billing/service.ts';
import { membershipsOnTestClocks, type TestClockMembership } from '../members/read-model.ts';
import type { MembersService } from '../members/service.ts';
import './errors.ts';
import type { TestClockRow, TestClocksRepository } from './repository.ts';

/** Memberships one clock may hold: a sandbox for trying renewals, not a load test. */
export const MAX_MEMBERSHIPS_PER_CLOCK = 100;
/** The farthest one advance moves a clock. */
export const MAX_ADVANCE_YEARS = 2;
/** An advance's lease: past it, an advance whose process died no longer holds the clock. */
const ADVANCE_LEASE_MS = 15 * 60_000;
/** The earliest time a clock may start at. */
const EARLIEST_START = new Date('2020-01-01T00:00:00Z');

/** A test clock's billing: the billing service of that clock's memberships only, in its time. */
export type ClockedBilling = (testClockId: string, clock: Clock) => BillingService;

export interface TestClockView {
  id: string;
  name: string;
  frozenTime: string;
  status: 'ready' | 'advancing';
  advancingTo: string | null;
  createdAt: string;
  deletedAt: string | null;
  memberships: { id: string; number: string; state: string; contractedAt: string }[];
}

export interface AdvanceView {
  clock: TestClockView;
  advance: {
    from: string;
    to: string;
    steps: number;
    charged: number;
    succeeded: number;
    declined: number;
    retried: number;
    pastDue: number;
    suspended: number;
    notices: number;
    skippedSuspended: number;
  };
}

/** Who may reach a clock: a partner key its own; finance every one; other staff those staff made. */
function mayReach(actor: Actor, clock: TestClockRow): boolean {
  const p = actor.principal;
  if (!p) return false;
  if (p.kind === 'api_key') return clock.apiKeyId === p.apiKeyId;
  if (p.role === 'finance') return true;
  return isStaff(p) && clock.createdByUserId !== null;
}

function present(clock: TestClockRow, memberships: TestClockMembership[]): TestClockView {
  return {
    id: clock.id,
    name: clock.name,
    frozenTime: clock.frozenTime.toISOString(),
    status: clock.status as 'ready' | 'advancing',
    advancingTo: clock.advancingTo?.toISOString() ?? null,
    createdAt: clock.createdAt.toISOString(),
    deletedAt: clock.deletedAt?.toISOString() ?? null,
    memberships: memberships
      .filter((m) => m.testClockId === clock.id)
      .map((m) => ({
        id: m.id,
        number: m.number,
        state: m.state,
        contractedAt: m.contractedAt.toISOString(),
      })),
  };
}

/**
 * Test clocks (sandbox only, docs/test-clocks.md), as Stripe's and Kill Bill's: a partner makes a
 * clock, contracts memberships on it, and advances it; the platform then does what the daily runs
 * would have done to those memberships between the clock's old and new time — and to nothing else.
 * The real runs never touch a clock's memberships (billing's scope).
 */
export class TestClocksService {
  constructor(
    private readonly db: Database,
    private readonly repository: TestClocksRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly members: MembersService,
    private readonly billing: BillingService,
    private readonly clockedBilling: ClockedBilling,
    private readonly options: { available: boolean },
  ) {}

  private assertAvailable(): void {
    if (!this.options.available) throw new AppError('TEST_CLOCKS_UNAVAILABLE');
  }

  private async load(executor: Executor, actor: Actor, id: string, forUpdate = false): Promise<TestClockRow> {
    const clock = await this.repository.byId(executor, id, forUpdate);
    if (!clock || !mayReach(actor, clock)) throw new AppError('TEST_CLOCK_NOT_FOUND');
    return clock;
  }

  private async view(executor: Executor, clock: TestClockRow): Promise<TestClockView> {
    return present(clock, await membershipsOnTestClocks(executor, [clock.id]));
  }

  async create(actor: Actor, input: { name: string; frozenTime: string }): Promise<TestClockView> {
    this.assertAvailable();
    const now = this.clock.now();
    const frozenTime = new Date(input.frozenTime);
    const latest = DateTime.fromJSDate(now).plus({ years: 2 }).toJSDate();
    if (!(frozenTime >= EARLIEST_START && frozenTime <= latest))
      throw new AppError('TEST_CLOCK_TIME_OUT_OF_RANGE');
    const p = actor.principal;
    const id = newId();
    return this.db.transaction(async (tx) => {
      await this.repository.insert(tx, {
        id,
        name: input.name,
        frozenTime,
        status: 'ready',
        apiKeyId: p?.kind === 'api_key' ? p.apiKeyId : null,
        createdByUserId: p?.kind === 'user' ? p.userId : null,
        createdAt: now,
      });
      await this.audit.record(tx, actor, {
        action: 'test_clock.create',
        recordType: 'test_clock',
        recordId: id,
        details: { frozenTime: frozenTime.toISOString() },
      });
      return this.view(tx, await this.load(tx, actor, id));
    });
  }

  async list(actor: Actor): Promise<{ data: TestClockView[] }> {
    this.assertAvailable();
    const p = actor.principal;
    const owner = p?.kind === 'api_key' ? { apiKeyId: p.apiKeyId } : ('all' as const);
    return this.db.transaction(async (tx) => {
      const clocks = (await this.repository.list(tx, owner, 100)).filter((c) => mayReach(actor, c));
      const memberships = await membershipsOnTestClocks(
        tx,
        clocks.map((c) => c.id),
      );
      return { data: clocks.map((c) => present(c, memberships)) };
    });
  }

  async get(actor: Actor, id: string): Promise<TestClockView> {
    this.assertAvailable();
    return this.db.transaction(async (tx) => this.view(tx, await this.load(tx, actor, id)));
  }

  /**
   * Contracting on a clock (the `testClockId` of POST /v1/memberships): the clock's time, which the
   * membership is contracted at. Refused while the clock advances, when it is full or deleted.
   */
  async timeForContract(executor: Executor, actor: Actor, id: string): Promise<Date> {
    this.assertAvailable();
    const clock = await this.load(executor, actor, id, true);
    if (clock.deletedAt) throw new AppError('TEST_CLOCK_NOT_FOUND');
    if (clock.status === 'advancing' && (clock.advancingUntil?.getTime() ?? 0) >= this.clock.now().getTime())
      throw new AppError('TEST_CLOCK_ADVANCING');
    const memberships = await membershipsOnTestClocks(executor, [id]);
    if (memberships.length >= MAX_MEMBERSHIPS_PER_CLOCK) throw new AppError('TEST_CLOCK_FULL');
    return clock.frozenTime;
  }

  /**
   * Moves the clock to `to` and runs, for its memberships only, what the daily runs would have
   * done between its old time and `to` (ClockedRun). Synchronous and bounded (two years a call):
   * the answer comes when the clock is `ready` at `to`. The same `to` again changes nothing.
   */
  async advance(actor: Actor, id: string, input: { to: string }): Promise<AdvanceView> {
    this.assertAvailable();
    const to = new Date(input.to);
    const now = this.clock.now();
    const from = await this.db.transaction(async (tx) => {
      const clock = await this.load(tx, actor, id, true);
      if (clock.deletedAt) throw new AppError('TEST_CLOCK_NOT_FOUND');
      if (to.getTime() < clock.frozenTime.getTime()) throw new AppError('TEST_CLOCK_BACKWARDS');
      const farthest = DateTime.fromJSDate(clock.frozenTime).plus({ years: MAX_ADVANCE_YEARS }).toJSDate();
      if (to.getTime() > farthest.getTime()) throw new AppError('TEST_CLOCK_TOO_FAR');
      const taken = await this.repository.claimAdvance(
        tx,
        id,
        to,
        now,
        new Date(now.getTime() + ADVANCE_LEASE_MS),
      );
      if (!taken) throw new AppError('TEST_CLOCK_ADVANCING');
      await this.audit.record(tx, actor, {
        action: 'test_clock.advance',
        recordType: 'test_clock',
        recordId: id,
        details: { from: clock.frozenTime.toISOString(), to: to.toISOString() },
      });
      return clock.frozenTime;
    });
    const time = new ManualClock(from);
    let summary: Awaited<ReturnType<BillingService['advanceTestClock']>>;
    try {
      summary = await this.clockedBilling(id, time).advanceTestClock(from, to, (at) => time.set(at));
    } catch (error) {
      // The clock stays at its old time, ready: advancing it again repeats the steps, each of them
      // safe to repeat (nothing is charged twice).
      await this.repository.endAdvance(this.db, id, from);
      throw error;
    }
    const clock = await this.db.transaction(async (tx) => {
      await this.repository.endAdvance(tx, id, to);
      return this.view(tx, await this.load(tx, actor, id));
    });
    return {
      clock,
      advance: {
        from: from.toISOString(),
        to: to.toISOString(),
        steps: summary.steps,
        charged: summary.created,
        succeeded: summary.succeeded,
        declined: summary.declined,
        retried: summary.retried,
        pastDue: summary.pastDue,
        suspended: summary.suspended,
        notices: summary.notices,
        skippedSuspended: summary.skippedSuspended,
      },
    };
  }

  /**
   * Deletes the clock: its memberships are cancelled (nothing of theirs is billed again) and the
   * clock is kept, marked deleted, for the record. Refused while it advances.
   */
  async remove(actor: Actor, id: string): Promise<TestClockView> {
    this.assertAvailable();
    return this.db.transaction(async (tx) => {
      const clock = await this.load(tx, actor, id, true);
      if (clock.deletedAt) throw new AppError('TEST_CLOCK_NOT_FOUND');
      if (
        clock.status === 'advancing' &&
        (clock.advancingUntil?.getTime() ?? 0) >= this.clock.now().getTime()
      )
        throw new AppError('TEST_CLOCK_ADVANCING');
      for (const m of await membershipsOnTestClocks(tx, [id])) {
        if (m.state === 'cancelled') continue;
        await this.members.changeState(tx, actor, m.id, 'cancelled', 'Reloj de prueba eliminado');
        await this.billing.stopRetries(tx, m.id);
      }
      await this.repository.markDeleted(tx, id, this.clock.now());
      await this.audit.record(tx, actor, {
        action: 'test_clock.delete',
        recordType: 'test_clock',
        recordId: id,
      });
      return this.view(tx, await this.load(tx, actor, id));
    });
  }
}
