import { DateTime } from 'luxon';
import type { Database, Transaction } from '../../db/client.ts';
import { nextHumanNumbers } from '../../db/numbers.ts';
import { nextDueAt } from '../../lib/billing-calendar.ts';
import { type Clock, MEXICO_CITY, mexicoCityDate } from '../../lib/clock.ts';
import { AppError, type ErrorCode, type LocalisedText } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { CatalogRepository } from '../catalog/repository.ts';
import type { EventRecorder } from '../events/recorder.ts';
import type { CardSummary, PaymentGateway } from '../payments/gateway.ts';
import { type BeneficiaryInput, checkBeneficiary } from './beneficiaries.ts';
import { cardColumns, checkedCard, describeCards } from './cards.ts';
import { FieldProblems, sentenceOf } from './checks.ts';
import { checkConsent, checkTitular } from './contract-checks.ts';
import type { Welcome } from './contracting.ts';
import './errors.ts';
import { CURRENT_PRIVACY_NOTICE, CURRENT_TERMS } from './legal.ts';
import { searchTextOf } from './records.ts';
import type { MembersRepository } from './repository.ts';

/**
 * Memberships the bank sold and reports in its members file (the imports domain reads the file):
 * each sale is checked with contracting's own rules, then a batch of them is written the way
 * contracting writes one — membership, billing schedule, consents, beneficiaries, its `contracted`
 * history event, audit entry, `membership.created` event and welcome — in the caller's
 * transaction, with a statement per kind of row rather than per sale.
 */

/**
 * How far back a sale's date may be: the first period falls due on it, and one further back than
 * this could owe two periods at once (27 days: the second is due at least a day after the import).
 */
export const BANK_SALE_MAX_AGE_DAYS = 27;

/** The most beneficiaries one sale carries (the file's repeated column groups). */
export const BANK_SALE_MAX_BENEFICIARIES = 5;

export interface BankSaleInput {
  /** The bank's own id of the sale: the idempotency key. */
  reference: string;
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
  /** The sale's date at the bank (`YYYY-MM-DD`, Mexico City): the contracting date. */
  contractedOn: string;
  beneficiaries: BeneficiaryInput[];
}

/**
 * A problem with a sale, at contracting's field names (`body/titular/email`,
 * `body/beneficiaries/0/birthDate`, `body/contractedOn`), for the caller to map to its columns.
 */
export interface SaleProblem {
  code: ErrorCode;
  field: string;
  localised: LocalisedText;
}

type PlanVersion = Awaited<ReturnType<CatalogRepository['currentVersions']>>[number];

/** A sale that passed every check, normalised, ready to write. */
export interface CheckedSale {
  reference: string;
  version: PlanVersion;
  titular: NonNullable<ReturnType<typeof checkTitular>>;
  card: CardSummary;
  contractedAt: Date;
  beneficiaries: {
    kind: BeneficiaryInput['kind'];
    fullName: string;
    birthDate: string | null;
    cardLast4: string | null;
  }[];
}

export type SaleCheck = { sale: CheckedSale } | { problems: SaleProblem[] };

/** What writing a batch did with each sale, by its reference. */
export interface BatchOutcome {
  created: Map<string, { membershipId: string; number: string }>;
  /** References that already had a membership (an earlier import, or earlier in this batch). */
  already: Set<string>;
  /** Sales refused at writing time (a titular with a live membership), with the problem. */
  refused: Map<string, SaleProblem>;
}

const CONTRACTED_ON = 'body/contractedOn';

/** What a batch's checks work out once (Mexico City calendar questions are costly per row). */
interface BatchCalendar {
  now: Date;
  today: string;
  earliest: string;
  thisMonth: { year: number; month: number };
  /** Per distinct sale date: its problem, or its contracting instant. */
  dates: Map<string, { problem: LocalisedText } | { contractedAt: Date }>;
}

function calendarOf(now: Date): BatchCalendar {
  const local = DateTime.fromJSDate(now, { zone: MEXICO_CITY });
  const today = mexicoCityDate(now);
  return {
    now,
    today,
    earliest: local.startOf('day').minus({ days: BANK_SALE_MAX_AGE_DAYS }).toISODate() as string,
    thisMonth: { year: local.year, month: local.month },
    dates: new Map(),
  };
}

function saleDate(
  value: string,
  calendar: BatchCalendar,
): { problem: LocalisedText } | { contractedAt: Date } {
  const known = calendar.dates.get(value);
  if (known) return known;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone: MEXICO_CITY }) : null;
  let found: { problem: LocalisedText } | { contractedAt: Date };
  if (!date?.isValid) {
    found = {
      problem: {
        es: 'La fecha de contratación no existe: escríbela como AAAA-MM-DD.',
        en: 'The contracting date does not exist: write it as YYYY-MM-DD.',
      },
    };
  } else if (value > calendar.today) {
    found = {
      problem: {
        es: 'La fecha de contratación no puede ser futura.',
        en: 'The contracting date cannot be in the future.',
      },
    };
  } else if (value < calendar.earliest) {
    found = {
      problem: {
        es: `La venta tiene más de ${BANK_SALE_MAX_AGE_DAYS} días: envíala con una fecha reciente o contrátala por teléfono.`,
        en: `The sale is more than ${BANK_SALE_MAX_AGE_DAYS} days old: send it with a recent date or contract it by phone.`,
      },
    };
  } else found = { contractedAt: date.startOf('day').toJSDate() };
  // A file's sales share a few dates: bounded, it is one batch's.
  calendar.dates.set(value, found);
  return found;
}

export class BankSalesService {
  constructor(
    private readonly db: Database,
    private readonly repository: MembersRepository,
    private readonly catalog: CatalogRepository,
    private readonly payments: PaymentGateway,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly events: EventRecorder,
    private readonly welcomes: (executor: Transaction, welcomes: Welcome[]) => Promise<void>,
  ) {}

  /** Which of these references already have a membership (read outside any transaction). */
  async takenReferences(references: string[]): Promise<Set<string>> {
    return this.repository.bankReferencesAmong(this.db, references);
  }

  /**
   * Checks each sale of a batch with contracting's rules (the titular, the consent, the plan, the
   * card, the contracting date, each beneficiary), reading the plans and cards outside any
   * transaction: one read of the processor for the whole batch. Writes nothing.
   */
  async check(sales: readonly BankSaleInput[]): Promise<SaleCheck[]> {
    const now = this.clock.now();
    const cards = await describeCards(this.payments, [...new Set(sales.map((s) => s.cardToken))]);
    const plans = new Map<string, PlanVersion | undefined>();
    for (const code of new Set(sales.map((s) => s.planCode))) {
      const [version] = await this.catalog.currentVersions(this.db, now, code);
      plans.set(code, version);
    }
    const calendar = calendarOf(now);
    return sales.map((input) => this.checkOne(input, calendar, cards, plans));
  }

  private checkOne(
    input: BankSaleInput,
    calendar: BatchCalendar,
    cards: Map<string, CardSummary>,
    plans: Map<string, PlanVersion | undefined>,
  ): SaleCheck {
    const { now } = calendar;
    const problems = new FieldProblems();
    const version = plans.get(input.planCode);
    if (!version) problems.add('PLAN_NOT_FOUND', 'body/planCode');
    const titular = checkTitular(
      {
        ...input.titular,
        rfc: input.titular.rfc || undefined,
        curp: input.titular.curp || undefined,
      },
      problems,
      now,
    );
    checkConsent({ consent: input.consent }, problems);
    let card: CardSummary | undefined;
    try {
      card = checkedCard(cards.get(input.cardToken), now, calendar.thisMonth);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.addError(error);
    }
    const date = saleDate(input.contractedOn, calendar);
    if ('problem' in date) problems.add('SALE_DATE_INVALID', CONTRACTED_ON, date.problem);
    const people: CheckedSale['beneficiaries'] = [];
    let spouses = 0;
    input.beneficiaries.forEach((b, i) => {
      const field = (name: string) => `body/beneficiaries/${i}/${name}`;
      try {
        people.push({ kind: b.kind, ...checkBeneficiary(b, now, field) });
        if (b.kind === 'spouse' && ++spouses > 1) {
          problems.add('BENEFICIARY_SPOUSE_EXISTS', field('kind'));
        }
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.code === 'BENEFICIARY_NOT_ELIGIBLE') {
          const reason = error.options.extensions?.reason as LocalisedText | undefined;
          problems.add('BENEFICIARY_NOT_ELIGIBLE', field('birthDate'), reason ?? sentenceOf(error.code));
        } else problems.addError(error);
      }
    });
    if (!problems.empty || !version || !titular || !card) return { problems: problems.list() };
    const contractedAt = DateTime.fromISO(input.contractedOn, { zone: MEXICO_CITY })
      .startOf('day')
      .toJSDate();
    return {
      sale: { reference: input.reference, version, titular, card, contractedAt, beneficiaries: people },
    };
  }

  /**
   * Writes the checked sales of a batch in the caller's transaction. A reference that already has
   * a membership makes nothing (`already`); a titular who already has a live membership, by email
   * or CURP — before the file or earlier in it — is refused as contracting refuses them.
   */
  async record(
    tx: Transaction,
    actor: Actor,
    sales: readonly CheckedSale[],
    context: { importRunId: string },
  ): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { created: new Map(), already: new Set(), refused: new Map() };
    if (sales.length === 0) return outcome;
    const now = this.clock.now();
    const taken = await this.repository.bankReferencesAmong(
      tx,
      sales.map((s) => s.reference),
    );
    const live = await this.repository.liveTitularsAmong(
      tx,
      sales.map((s) => s.titular.email),
      sales.flatMap((s) => (s.titular.curp ? [s.titular.curp] : [])),
    );
    const toWrite: CheckedSale[] = [];
    const references = new Set<string>();
    for (const sale of sales) {
      if (taken.has(sale.reference) || references.has(sale.reference)) {
        outcome.already.add(sale.reference);
        continue;
      }
      const { email, curp } = sale.titular;
      const match = live.emails.has(email) ? 'email' : curp && live.curps.has(curp) ? 'curp' : null;
      if (match) {
        outcome.refused.set(sale.reference, {
          code: 'MEMBERSHIP_ALREADY_EXISTS',
          field: `body/titular/${match}`,
          localised:
            match === 'email'
              ? {
                  es: 'El titular ya tiene una membresía vigente con este correo.',
                  en: 'The titular already has a live membership with this email.',
                }
              : {
                  es: 'El titular ya tiene una membresía vigente con esta CURP.',
                  en: 'The titular already has a live membership with this CURP.',
                },
        });
        continue;
      }
      references.add(sale.reference);
      live.emails.add(email);
      if (curp) live.curps.add(curp);
      toWrite.push(sale);
    }
    if (toWrite.length === 0) return outcome;

    const numbers = await nextHumanNumbers(tx, 'LM', now, toWrite.length);
    const firstDue = new Map<string, Date | null>();
    // Per sale date (a batch has a few): its billing day and period 1's due instant.
    const calendar = new Map<number, { billingDay: number; dueAt: Date | null }>();
    const calendarOfSale = (contractedAt: Date) => {
      let found = calendar.get(contractedAt.getTime());
      if (!found) {
        const billingDay = DateTime.fromJSDate(contractedAt, { zone: MEXICO_CITY }).day;
        // Period 1 falls due on the sale's day (the bank's channel has no free months).
        const dueAt = nextDueAt(
          { contractedAt, billingDay, trialEndsAt: null, cancelledAt: null },
          new Date(contractedAt.getTime() - 1),
        );
        found = { billingDay, dueAt };
        calendar.set(contractedAt.getTime(), found);
      }
      return found;
    };
    const made = toWrite.map((sale, i) => {
      const id = newId();
      const { billingDay, dueAt } = calendarOfSale(sale.contractedAt);
      const row = {
        id,
        number: numbers[i] as string,
        planVersionId: sale.version.versionId,
        state: 'active',
        channel: 'bank',
        titularUserId: null,
        titularName: sale.titular.fullName,
        titularEmail: sale.titular.email,
        titularPhone: sale.titular.phone,
        titularBirthDate: sale.titular.birthDate,
        titularRfc: sale.titular.rfc,
        titularCurp: sale.titular.curp,
        ...cardColumns(sale.card),
        contractedAt: sale.contractedAt,
        trialEndsAt: null,
        billingDay,
        bankReference: sale.reference,
        searchText: '',
        createdAt: now,
        updatedAt: now,
      };
      const people = sale.beneficiaries.map((b) => ({
        id: newId(),
        membershipId: id,
        ...b,
        addedAt: now,
        removedAt: null,
      }));
      row.searchText = searchTextOf(row, people);
      firstDue.set(id, dueAt);
      return { sale, row, people };
    });
    const inserted = await this.repository.insertBankMemberships(
      tx,
      made.map((m) => m.row),
      firstDue,
    );
    const written = made.filter((m) => {
      if (inserted.has(m.row.id)) return true;
      // Another import of the same file took the reference in the meantime.
      outcome.already.add(m.sale.reference);
      return false;
    });
    if (written.length === 0) return outcome;

    await this.repository.insertConsentsMany(
      tx,
      written.flatMap(({ row }) =>
        [CURRENT_TERMS, CURRENT_PRIVACY_NOTICE].map((doc) => ({
          id: newId(),
          membershipId: row.id,
          document: doc.document,
          version: doc.version,
          acceptedAt: row.contractedAt,
          channel: 'bank',
          ip: null,
        })),
      ),
    );
    await this.repository.insertBeneficiaries(
      tx,
      written.flatMap((m) => m.people),
    );
    const p = actor.principal;
    const actorType = p ? p.kind : 'system';
    const actorId = p ? (p.kind === 'user' ? p.userId : p.apiKeyId) : null;
    await this.repository.insertEvents(
      tx,
      written.map(({ row, sale }) => ({
        id: newId(),
        membershipId: row.id,
        at: now,
        type: 'contracted',
        fromState: null,
        toState: 'active',
        reason: 'Contratación por el banco',
        actorType,
        actorId,
        details: {
          plan: sale.version.code,
          planVersion: sale.version.version,
          channel: 'bank',
          bankReference: sale.reference,
          importRunId: context.importRunId,
        },
      })),
    );
    await this.audit.recordMany(
      tx,
      actor,
      written.map(({ row, sale }) => ({
        action: 'membership.create',
        recordType: 'membership',
        recordId: row.id,
        details: { channel: 'bank', plan: sale.version.code, importRunId: context.importRunId },
      })),
    );
    await this.events.record(
      tx,
      written.map(({ row, sale }) => ({
        type: 'membership.created' as const,
        membershipId: row.id,
        channel: 'bank' as const,
        data: {
          membershipId: row.id,
          number: row.number,
          state: 'active',
          channel: 'bank',
          plan: sale.version.code,
          planVersion: sale.version.version,
          contractedAt: row.contractedAt.toISOString(),
          trialEndsAt: null,
          firstChargeAt: firstDue.get(row.id)?.toISOString() ?? null,
        },
      })),
    );
    await this.welcomes(
      tx,
      written.map(({ row, sale }) => ({
        membershipId: row.id,
        membershipNumber: row.number,
        planName: sale.version.name,
        monthlyCentavos: sale.version.priceTotalCentavos,
        freeUntil: null,
        firstChargeAt: firstDue.get(row.id) ?? null,
        termsVersion: CURRENT_TERMS.version,
        privacyVersion: CURRENT_PRIVACY_NOTICE.version,
        language: 'es',
        // The bank's file is real sales: never on a test clock.
        testClock: false,
      })),
    );
    for (const { row, sale } of written) {
      outcome.created.set(sale.reference, { membershipId: row.id, number: row.number });
    }
    return outcome;
  }
}
