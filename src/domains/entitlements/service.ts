import type { Database, Executor, Transaction } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError, type ErrorCode } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { type Actor, isStaff } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { CatalogRepository } from '../catalog/repository.ts';
import { clearanceFor } from '../members/clearance.ts';
import { membershipYearAt } from '../members/coverage.ts';
import type { PersonAccounts } from '../members/person-accounts.ts';
import type { MembersRepository } from '../members/repository.ts';
import type { MembersService } from '../members/service.ts';
import { assertMayReach, TITULAR_PERSON_ID } from '../members/service.ts';
import { testClockTime } from '../test-clocks/read-model.ts';
import {
  type Decision,
  decide,
  type EntitlementRequest,
  type MembershipState,
  type PlanService,
  type ReasonCode,
  type ServiceUsage,
  serviceUsage,
  type UsageCount,
  usageKey,
} from './decide.ts';
import './errors.ts';
import { type OwnCoverageView, ownCoverageView } from './own-coverage.ts';
import type { DecisionFacts, EntitlementsRepository, LedgerEntry } from './repository.ts';

const DAY_MS = 86_400_000;

/** Uses by service and key, as the ledger's counting query would give them. */
function countUses(uses: { serviceCode: string; key: string | null }[]): UsageCount[] {
  const counts = new Map<string, UsageCount>();
  for (const u of uses) {
    const id = `${u.serviceCode}\u0000${u.key ?? ''}`;
    const entry = counts.get(id) ?? { serviceCode: u.serviceCode, key: u.key, uses: 0 };
    entry.uses++;
    counts.set(id, entry);
  }
  return [...counts.values()];
}

export interface EligibilityQuestion {
  membershipId: string;
  /** `titular` or a beneficiary id. */
  personId: string;
  serviceCode: string;
  request: EntitlementRequest;
}

/** Which refusal becomes which error when a use is reserved. */
const REFUSAL_ERRORS: Partial<Record<ReasonCode, ErrorCode>> = {
  MEMBERSHIP_NOT_CURRENT: 'MEMBERSHIP_NOT_CURRENT',
  BENEFICIARY_NOT_ELIGIBLE: 'BENEFICIARY_NOT_ELIGIBLE',
  SERVICE_NOT_IN_PLAN: 'SERVICE_NOT_IN_PLAN',
  ENTITLEMENT_EXHAUSTED: 'ENTITLEMENT_EXHAUSTED',
  SPECIALTY_ALREADY_USED: 'SPECIALTY_ALREADY_USED',
  SPECIALTY_REQUIRED: 'SPECIALTY_REQUIRED',
  OUTSIDE_TERRITORY: 'OUTSIDE_TERRITORY',
};

export function refusalError(decision: Decision): AppError {
  const first = decision.reasons.find((r) => !r.ok);
  const code = (first && REFUSAL_ERRORS[first.code]) ?? 'ENTITLEMENT_EXHAUSTED';
  return new AppError(code, {
    detail: first?.es,
    ...(first ? { localisedDetail: { es: first.es, en: first.en } } : {}),
    extensions: { decision },
  });
}

/**
 * Eligibility questions and the usage ledger. The decision itself is the pure `decide()`; this
 * service loads its inputs and, for reservations, holds the membership's row lock so two
 * reservations of the last use cannot both pass.
 */
export class EntitlementsService {
  /** Plan versions never change, so their name and services are cached by version id. */
  private readonly planVersions = new Map<string, { code: string; name: string; services: PlanService[] }>();

  constructor(
    private readonly db: Database,
    private readonly repository: EntitlementsRepository,
    private readonly members: MembersService,
    private readonly membersRepository: MembersRepository,
    private readonly catalog: CatalogRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly people: PersonAccounts,
  ) {}

  private async planOf(executor: Executor, planVersionId: string) {
    let cached = this.planVersions.get(planVersionId);
    if (!cached) {
      const plan = await this.repository.planVersion(executor, planVersionId);
      if (!plan) throw new Error(`plan version ${planVersionId} vanished`);
      const services = (await this.catalog.servicesOf(executor, [planVersionId])).map((s) => ({
        code: s.code,
        name: { es: s.nameEs, en: s.nameEn },
        rules: s.rules,
      }));
      cached = { ...plan, services };
      this.planVersions.set(planVersionId, cached);
    }
    return cached;
  }

  /**
   * Loads everything `decide()` needs, with the membership row locked when `forUpdate`. Without a
   * lock (a plain question) the reads go out together: this runs on every call to the 24/7 line.
   */
  private async evaluate(
    executor: Executor,
    actor: Actor,
    question: EligibilityQuestion,
    forUpdate: boolean,
  ) {
    // Inside a reservation's transaction the row is locked and read on its own; a plain question
    // reads the membership and its uses in one prepared statement.
    const now = this.clock.now();
    let membership: DecisionFacts | undefined;
    let usage: UsageCount[] | undefined;
    if (!forUpdate && executor === this.db) {
      // The current membership year began at most 366 days ago.
      const found = await this.repository.decisionFactsWithUses(
        this.db,
        question.membershipId,
        new Date(now.getTime() - 367 * DAY_MS),
      );
      membership = found?.facts;
      if (found) {
        const current = membershipYearAt(found.facts.contractedAt, now).number;
        usage = countUses(found.uses.filter((u) => u.membershipYear === current));
      }
    } else {
      membership = await this.repository.decisionFacts(executor, question.membershipId, forUpdate);
    }
    if (!membership) throw new AppError('MEMBERSHIP_NOT_FOUND');
    const ownPerson = await this.asOwnPerson(executor, actor, membership, question.personId);
    if (!ownPerson) assertMayReach(actor, membership.titularUserId);
    const year = membershipYearAt(membership.contractedAt, now);
    const facts = membership;
    const reads = [
      () => this.planOf(executor, membership.planVersionId),
      () => (usage ? Promise.resolve(usage) : this.repository.usageCounts(executor, facts.id, year.number)),
      () =>
        question.personId === TITULAR_PERSON_ID
          ? Promise.resolve([])
          : this.membersRepository.beneficiariesOf(executor, [membership.id], true),
    ] as const;
    // On the pool the reads go out together; in a transaction (one connection) one after another,
    // as pg refuses overlapping queries on one connection.
    const [plan, counted, people] =
      executor === this.db
        ? await Promise.all([reads[0](), reads[1](), reads[2]()])
        : [await reads[0](), await reads[1](), await reads[2]()];
    let person: Parameters<typeof decide>[0]['person'] = null;
    if (question.personId === TITULAR_PERSON_ID) {
      person = { kind: 'titular', fullName: membership.titularName, addedAt: membership.contractedAt };
    } else {
      const b = people.find((p) => p.id === question.personId);
      if (b) {
        person = {
          kind: b.kind as 'spouse' | 'child' | 'additional_cardholder',
          fullName: b.fullName,
          birthDate: b.birthDate,
          addedAt: b.addedAt,
          removedAt: b.removedAt,
        };
      }
    }
    const decision = decide({
      at: now,
      membership: {
        state: membership.state as MembershipState,
        contractedAt: membership.contractedAt,
        coverageEndsAt: membership.coverageEndsAt,
      },
      plan,
      person,
      serviceCode: question.serviceCode,
      request: question.request,
      usage: counted,
      usedKeys: ownPerson ? 'hidden' : 'named',
    });
    return { decision, year, membership, person };
  }

  /** Staff and partner questions about someone's membership are reads of personal data: audited. */
  private async auditCheck(actor: Actor, question: EligibilityQuestion, decision: Decision) {
    if (isStaff(actor.principal) || actor.principal?.kind === 'api_key') {
      await this.audit.recordRead(actor, {
        action: 'eligibility.check',
        recordType: 'membership',
        recordId: question.membershipId,
        details: {
          serviceCode: question.serviceCode,
          personId: question.personId,
          allowed: decision.allowed,
        },
      });
    }
  }

  /**
   * The decision, with no side effect on the ledger. It writes nothing but its audit entry, so it
   * needs no transaction: the answer goes out only once the audit entry is stored.
   */
  async check(actor: Actor, question: EligibilityQuestion): Promise<Decision> {
    const { decision } = await this.evaluate(this.db, actor, question, false);
    await this.auditCheck(actor, question, decision);
    return decision;
  }

  /**
   * The decision inside the caller's transaction (opening a case stores it), with the person's name.
   * No audit entry: the caller records its own action.
   */
  async decideIn(
    tx: Transaction,
    actor: Actor,
    question: EligibilityQuestion,
  ): Promise<{ decision: Decision; personName: string | null; titularUserId: string | null }> {
    const { decision, person, membership } = await this.evaluate(tx, actor, question, false);
    return { decision, personName: person?.fullName ?? null, titularUserId: membership.titularUserId };
  }

  /** Every service of the plan with used, limit and remaining this membership year. */
  async usage(
    actor: Actor,
    membershipId: string,
  ): Promise<{ membershipYear: Decision['membershipYear']; services: ServiceUsage[] }> {
    return this.db.transaction(async (tx) => {
      const { membership } = await this.members.load(tx, actor, membershipId);
      const verification = await clearanceFor(tx, actor, membershipId, this.clock.now());
      // A membership on a test clock (sandbox) counts its year in the clock's time: its anniversary
      // resets its limits when the clock passes it.
      const at = membership.testClockId
        ? ((await testClockTime(tx, membership.testClockId)) ?? this.clock.now())
        : this.clock.now();
      const year = membershipYearAt(membership.contractedAt, at);
      const { services } = await this.planOf(tx, membership.planVersionId);
      const usage = await this.repository.usageCounts(tx, membershipId, year.number);
      if (isStaff(actor.principal) || actor.principal?.kind === 'api_key') {
        await this.audit.record(tx, actor, {
          action: 'usage.read',
          recordType: 'membership',
          recordId: membershipId,
          ...(verification ? { details: { verification } } : {}),
        });
      }
      return {
        membershipYear: {
          number: year.number,
          startsAt: year.startsAt.toISOString(),
          endsAt: year.endsAt.toISOString(),
          resetsOn: year.resetsOn,
        },
        services: services.map((s) => serviceUsage(s, usage, year)),
      };
    });
  }

  /**
   * A beneficiary's own account (GET /v1/me/coverage): the membership it stands under, the person
   * and, for every service of the plan, the decision for that person with no request details — the
   * answer the titular gets asking for them, told in counts (no specialty others used is named).
   * `available` leaves out what only the request itself can settle (which specialty).
   */
  async ownCoverage(actor: Actor): Promise<OwnCoverageView> {
    const p = actor.principal;
    if (p?.kind !== 'user' || p.role !== 'customer') throw new AppError('NOT_A_BENEFICIARY_ACCOUNT');
    return this.db.transaction(async (tx) => {
      const own = await this.people.ownPerson(tx, p.userId);
      if (!own) throw new AppError('NOT_A_BENEFICIARY_ACCOUNT');
      const { membership: found, person } = own;
      const m = found.membership;
      const now = this.clock.now();
      // One after another: a transaction is one connection.
      const plan = await this.planOf(tx, m.planVersionId);
      const usage = await this.repository.usageCounts(tx, m.id, membershipYearAt(m.contractedAt, now).number);
      return ownCoverageView({ now, membership: found, person, plan, usage });
    });
  }

  /**
   * Reserves a use inside the caller's transaction (dispatching a case). The membership row is
   * locked first, so concurrent reservations on one membership are decided one after another: of
   * two requests for the last use, exactly one passes.
   */
  async reserve(
    tx: Transaction,
    actor: Actor,
    question: EligibilityQuestion & { caseId?: string | null },
  ): Promise<{ reservation: LedgerEntry; decision: Decision }> {
    const { decision, year } = await this.evaluate(tx, actor, question, true);
    if (!decision.allowed) throw refusalError(decision);
    const now = this.clock.now();
    const entry = {
      id: newId(),
      membershipId: question.membershipId,
      serviceCode: question.serviceCode,
      usageKey: question.request.specialty ? usageKey(question.request.specialty) : null,
      personId: question.personId,
      membershipYear: year.number,
      status: 'reserved',
      caseId: question.caseId ?? null,
      reservedAt: now,
      confirmedAt: null,
      releasedAt: null,
      releaseReason: null,
    };
    await this.repository.insert(tx, entry);
    await this.audit.record(tx, actor, {
      action: 'usage.reserve',
      recordType: 'membership',
      recordId: question.membershipId,
      details: { reservationId: entry.id, serviceCode: question.serviceCode, caseId: entry.caseId },
    });
    return { reservation: entry, decision };
  }

  /** The service was given: the reserved use is final. */
  async confirm(tx: Transaction, actor: Actor, reservationId: string): Promise<LedgerEntry> {
    return this.settle(tx, actor, reservationId, 'confirmed', null);
  }

  /** The case was cancelled before the provider arrived: the use is given back. */
  async release(tx: Transaction, actor: Actor, reservationId: string, reason: string): Promise<LedgerEntry> {
    return this.settle(tx, actor, reservationId, 'released', reason);
  }

  private async settle(
    tx: Transaction,
    actor: Actor,
    reservationId: string,
    to: 'confirmed' | 'released',
    reason: string | null,
  ): Promise<LedgerEntry> {
    const entry = await this.repository.byId(tx, reservationId, true);
    if (!entry) throw new AppError('RESERVATION_NOT_FOUND');
    if (entry.status !== 'reserved')
      throw new AppError('RESERVATION_NOT_RESERVED', { extensions: { status: entry.status } });
    const now = this.clock.now();
    const changes =
      to === 'confirmed'
        ? { status: to, confirmedAt: now }
        : { status: to, releasedAt: now, releaseReason: reason };
    await this.repository.update(tx, reservationId, changes);
    await this.audit.record(tx, actor, {
      action: to === 'confirmed' ? 'usage.confirm' : 'usage.release',
      recordType: 'membership',
      recordId: entry.membershipId,
      details: { reservationId, ...(reason ? { reason } : {}) },
    });
    return { ...entry, ...changes };
  }

  /**
   * A beneficiary's own account asks about (and requests help for) that person on that membership
   * only; anything else goes through the titular's check and answers as a missing membership.
   */
  private async asOwnPerson(
    executor: Executor,
    actor: Actor,
    membership: { id: string; titularUserId: string | null },
    personId: string,
  ): Promise<boolean> {
    const p = actor.principal;
    if (p?.kind !== 'user' || p.role !== 'customer' || membership.titularUserId === p.userId) return false;
    const grant = await this.repository.personGrantOf(executor, p.userId);
    return grant?.membershipId === membership.id && grant.personId === personId;
  }
}
