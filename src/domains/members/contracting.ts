import { DateTime } from 'luxon';
import type { Database, Executor } from '../../db/client.ts';
import { nextHumanNumber } from '../../db/numbers.ts';
import { nextDueAt } from '../../lib/billing-calendar.ts';
import { type Clock, MEXICO_CITY } from '../../lib/clock.ts';
import { AppError, type FieldError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { IdempotencyService, Replayable } from '../../platform/idempotency/service.ts';
import { type Actor, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { CatalogRepository } from '../catalog/repository.ts';
import type { EventRecorder } from '../events/recorder.ts';
import { checkPasswordPolicy } from '../identity/passwords.ts';
import type { IdentityService } from '../identity/service.ts';
import type { CardSummary, PaymentGateway } from '../payments/gateway.ts';
import { cardColumns, usableCard } from './cards.ts';
import { FieldProblems, fieldError, stringAt } from './checks.ts';
import {
  channelOf,
  checkConsent,
  checkTitular,
  EMAIL_FIELD,
  EMAIL_TAKEN_AT_CONTRACTING,
  liveMembershipError,
} from './contract-checks.ts';
import './errors.ts';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from './legal.ts';
import type { MembershipState } from './lifecycle.ts';
import { type MembershipRecords, searchTextOf } from './records.ts';
import type { MembersRepository } from './repository.ts';
import { type MembershipView, presentMembership } from './views.ts';

/** How the membership was contracted, in the event's words ("Contratación por el banco"). */
const CHANNEL_WORDS: Record<string, string> = {
  online: 'en línea',
  phone: 'por teléfono',
  bank: 'por el banco',
};

export interface ContractInput {
  planCode: string;
  titular: {
    fullName: string;
    email: string;
    phone: string;
    birthDate: string;
    rfc?: string | undefined;
    curp?: string | undefined;
  };
  cardToken: string;
  consent: { termsVersion: string; privacyNoticeVersion: string };
  /** Online contracting by someone without an account: the new account's password. */
  account?: { password: string } | undefined;
  /** Sandbox: the test clock the membership lives on (docs/test-clocks.md). */
  testClockId?: string | undefined;
}

/** What the welcome message tells a new member. */
export interface Welcome {
  membershipId: string;
  membershipNumber: string;
  planName: string;
  monthlyCentavos: number;
  /** When the free months end (online contracting), or null. */
  freeUntil: Date | null;
  firstChargeAt: Date | null;
  termsVersion: string;
  privacyVersion: string;
  /** The customer's own language when they contracted online; Spanish otherwise. */
  language: 'es' | 'en';
  /** Contracted on a test clock (sandbox): the welcome is a test message, never sent. */
  testClock: boolean;
}

/**
 * Sandbox: the time of a test clock the caller may contract on (the test-clocks domain answers;
 * members names the port and does not import it), or the clock's refusal.
 */
export type TestClockTime = (executor: Executor, actor: Actor, testClockId: string) => Promise<Date>;

/**
 * The welcome, written in the contracting transaction by whoever the app plugs in (the
 * notifications domain reads members, so members names the port and does not import it).
 */
export type WelcomeMessenger = (executor: Executor, welcome: Welcome) => Promise<void>;

/** Contracting a membership (online, by phone or through the bank), and checking a request first. */
export class ContractingService {
  constructor(
    private readonly db: Database,
    private readonly repository: MembersRepository,
    private readonly records: MembershipRecords,
    private readonly catalog: CatalogRepository,
    private readonly identity: IdentityService,
    private readonly payments: PaymentGateway,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly clock: Clock,
    private readonly welcome: WelcomeMessenger,
    /** The event log partners read: the new membership is told in its transaction. */
    private readonly events: EventRecorder,
    /** Sandbox: a test clock's time, for contracting on it; unset, no clock is known. */
    private readonly testClockTime?: TestClockTime,
  ) {}

  /**
   * Contracts a membership. Everything — the customer's account, the membership, the consents,
   * its first event, the audit entry and the idempotency record — commits in one transaction or
   * not at all.
   */
  async contract(
    actor: Actor,
    input: ContractInput,
    idempotencyKey: string | undefined,
    language: 'es' | 'en' = 'es',
  ): Promise<Replayable<MembershipView>> {
    // On a test clock, the membership is contracted at the clock's time (and billed in it).
    const testClockId = input.testClockId ?? null;
    const now = testClockId ? await this.onTestClock(actor, testClockId) : this.clock.now();
    const problems = new FieldProblems();
    const checked = await this.checkContract(actor, input, problems, now);
    problems.throwIfAny();
    const { channel, needsAccount, version, card, titular } = checked;
    // The schema asked for every part, and each passed its checks.
    if (!version || !card || !titular) throw new Error('contracting checks left a part unchecked');

    return this.db.transaction((tx) =>
      this.idempotency.run(
        tx,
        actor,
        { key: idempotencyKey, operation: 'POST /v1/memberships', body: input },
        async () => {
          let titularUserId: string | null = null;
          if (actor.principal?.kind === 'user' && actor.principal.role === 'customer') {
            // A signed-in customer contracts for themself: the titular is the account holder.
            titular.email = actor.principal.email;
            titularUserId = actor.principal.userId;
          }
          const live = await this.repository.liveMembershipOfTitular(
            tx,
            titular.email,
            titular.curp,
            titularUserId,
          );
          if (live) throw liveMembershipError(live);
          if (needsAccount) {
            const account = await this.identity
              .createUserIn(
                tx,
                SYSTEM_ACTOR,
                {
                  email: titular.email,
                  name: titular.fullName,
                  role: 'customer',
                  password: input.account?.password ?? '',
                },
                'system',
              )
              .catch((error: unknown) => {
                throw error instanceof AppError && error.code === 'EMAIL_TAKEN'
                  ? fieldError('EMAIL_TAKEN', 'body/titular/email', EMAIL_TAKEN_AT_CONTRACTING)
                  : error;
              });
            titularUserId = account.id;
          }

          const trialMonths = channel === 'online' ? version.onlineTrialMonths : 0;
          const contracted = DateTime.fromJSDate(now, { zone: MEXICO_CITY });
          const trialEndsAt =
            trialMonths > 0 ? contracted.startOf('day').plus({ months: trialMonths }).toJSDate() : null;
          const state: MembershipState = trialEndsAt ? 'trial' : 'active';
          const id = newId();
          const number = await nextHumanNumber(tx, 'LM', now);
          const row = {
            id,
            number,
            planVersionId: version.versionId,
            state,
            channel,
            titularUserId,
            titularName: titular.fullName,
            titularEmail: titular.email,
            titularPhone: titular.phone,
            titularBirthDate: titular.birthDate,
            titularRfc: titular.rfc,
            titularCurp: titular.curp,
            ...cardColumns(card),
            contractedAt: now,
            trialEndsAt,
            billingDay: contracted.day,
            searchText: '',
            createdAt: now,
            updatedAt: now,
            testClockId,
          };
          row.searchText = searchTextOf(row, []);
          // Period 1: at contracting, or when the free months end (billing calendar).
          const firstDueAt = nextDueAt(
            { contractedAt: now, billingDay: contracted.day, trialEndsAt, cancelledAt: null },
            new Date(now.getTime() - 1),
          );
          await this.repository.insertMembership(tx, row, firstDueAt);
          await this.repository.insertConsents(
            tx,
            [CURRENT_TERMS, CURRENT_PRIVACY_NOTICE].map((doc) => ({
              id: newId(),
              membershipId: id,
              document: doc.document,
              version: doc.version,
              acceptedAt: now,
              channel,
              ip: actor.ip,
            })),
          );
          await this.records.event(tx, actor, id, {
            type: 'contracted',
            toState: state,
            reason: trialEndsAt
              ? `Contratación ${CHANNEL_WORDS[channel]}; ${trialMonths} meses sin costo`
              : `Contratación ${CHANNEL_WORDS[channel]}`,
            details: { plan: version.code, planVersion: version.version, channel },
          });
          await this.audit.record(tx, actor, {
            action: 'membership.create',
            recordType: 'membership',
            recordId: id,
            details: { channel, plan: version.code },
          });
          await this.events.record(tx, [
            {
              type: 'membership.created',
              membershipId: id,
              channel,
              ...(testClockId ? { occurredAt: now } : {}),
              data: {
                ...(testClockId ? { testClockId } : {}),
                membershipId: id,
                number,
                state,
                channel,
                plan: version.code,
                planVersion: version.version,
                contractedAt: now.toISOString(),
                trialEndsAt: trialEndsAt?.toISOString() ?? null,
                firstChargeAt: firstDueAt?.toISOString() ?? null,
              },
            },
          ]);
          // The agent who contracts on the call took the titular's details from them just now.
          await this.records.clearByContracting(tx, actor, id);
          await this.welcome(tx, {
            membershipId: id,
            membershipNumber: number,
            planName: version.name,
            monthlyCentavos: version.priceTotalCentavos,
            freeUntil: trialEndsAt,
            firstChargeAt: firstDueAt,
            termsVersion: CURRENT_TERMS.version,
            privacyVersion: CURRENT_PRIVACY_NOTICE.version,
            // An agent's or the bank's browser speaks for them, not for the customer.
            language: channel === 'online' ? language : 'es',
            testClock: testClockId !== null,
          });
          const created = await this.repository.byId(tx, id);
          if (!created) throw new Error('membership vanished after insert');
          return { status: 201, body: presentMembership(created, [], this.clock.now()) };
        },
      ),
    );
  }

  private async onTestClock(actor: Actor, testClockId: string): Promise<Date> {
    if (!this.testClockTime) throw new AppError('TEST_CLOCKS_UNAVAILABLE');
    return this.testClockTime(this.db, actor, testClockId);
  }

  /**
   * Checks a contracting request without writing anything (POST /v1/memberships/validation): the
   * same checks as contracting, on whatever part of the body the schema accepted (`schemaErrors`
   * are its refusals), plus whether the email already has an account or a live membership. A card
   * token or consent left out is not checked. Answers nothing, or throws every problem at once.
   */
  async validate(actor: Actor, body: unknown, schemaErrors: FieldError[]): Promise<void> {
    const now = this.clock.now();
    const problems = new FieldProblems(schemaErrors);
    const { needsAccount, email, curp, titularUserId } = await this.checkContract(actor, body, problems, now);
    if (email && !problems.has(EMAIL_FIELD)) {
      if (needsAccount && (await this.identity.userByEmail(email))) {
        problems.add('EMAIL_TAKEN', EMAIL_FIELD, EMAIL_TAKEN_AT_CONTRACTING);
      } else {
        const live = await this.repository.liveMembershipOfTitular(this.db, email, curp, titularUserId);
        if (live) problems.addError(liveMembershipError(live));
      }
    }
    problems.throwIfAny();
  }

  /**
   * Everything contracting checks before it writes, each problem added at its field: the channel
   * (thrown at once), the titular, the new account's password, the consent, the plan and the card.
   * Parts the schema refused, or that are absent, are skipped; what passed is returned normalised.
   */
  private async checkContract(actor: Actor, body: unknown, problems: FieldProblems, now: Date) {
    const channel = channelOf(actor);
    const p = actor.principal;
    const needsAccount = channel === 'online' && !p;
    const ownAccount = p?.kind === 'user' && p.role === 'customer' ? p : undefined;
    const at = (field: string, ...path: string[]) =>
      problems.has(`body/${field}`) ? undefined : stringAt(body, ...path);

    const titular = checkTitular(
      {
        fullName: at('titular/fullName', 'titular', 'fullName'),
        email: at('titular/email', 'titular', 'email'),
        phone: at('titular/phone', 'titular', 'phone'),
        birthDate: at('titular/birthDate', 'titular', 'birthDate'),
        rfc: at('titular/rfc', 'titular', 'rfc'),
        curp: at('titular/curp', 'titular', 'curp'),
      },
      problems,
      now,
    );
    // A signed-in customer contracts for themself: the titular is the account holder.
    if (titular && ownAccount) titular.email = ownAccount.email;
    const emailTyped = at('titular/email', 'titular', 'email')?.trim().toLowerCase();

    if (needsAccount && !problems.has('body/account')) {
      const password = stringAt(body, 'account', 'password');
      if (!password) problems.add('ACCOUNT_PASSWORD_REQUIRED', 'body/account/password');
      else {
        try {
          // The titular's name and email are the new account's: a password made of them is weak.
          const owner = {
            role: 'customer' as const,
            email: titular?.email ?? emailTyped,
            name: titular?.fullName ?? at('titular/fullName', 'titular', 'fullName'),
          };
          checkPasswordPolicy(password, owner, 'body/account/password');
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          problems.addError(error);
        }
      }
    }

    checkConsent(body, problems);

    let version: Awaited<ReturnType<CatalogRepository['currentVersions']>>[number] | undefined;
    const planCode = at('planCode', 'planCode');
    if (planCode !== undefined) {
      [version] = await this.catalog.currentVersions(this.db, now, planCode);
      if (!version) problems.add('PLAN_NOT_FOUND', 'body/planCode', undefined, { plan: planCode });
    }

    let card: CardSummary | undefined;
    const cardToken = at('cardToken', 'cardToken');
    if (cardToken !== undefined) {
      try {
        card = await usableCard(this.payments, cardToken, now);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        problems.addError(error);
      }
    }

    return {
      channel,
      needsAccount,
      titular,
      /** The titular's email and CURP as far as they are valid, for the checks that look them up. */
      email: ownAccount?.email ?? (problems.has(EMAIL_FIELD) ? undefined : (titular?.email ?? emailTyped)),
      curp: titular?.curp ?? null,
      titularUserId: ownAccount?.userId ?? null,
      version,
      card,
    };
  }
}
