import type { Database } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { fieldError, parseBirthDate } from './checks.ts';
import { coverageOf, type PersonKind } from './coverage.ts';
import './errors.ts';
import { normaliseFullName } from './identity-documents.ts';
import type { MembershipRecords } from './records.ts';
import type { MembersRepository } from './repository.ts';
import { type PersonView, presentBeneficiary } from './views.ts';

/** A beneficiary's kind in the event's words (staff read them in the member's history). */
const BENEFICIARY_KIND_WORDS: Record<string, string> = {
  spouse: 'cónyuge',
  child: 'hijo o hija',
  additional_cardholder: 'tarjetahabiente adicional',
};

export interface BeneficiaryInput {
  kind: Exclude<PersonKind, 'titular'>;
  fullName: string;
  birthDate?: string | undefined;
  cardLast4?: string | undefined;
}

/**
 * A beneficiary's details checked as adding one checks them (the name, the birth date, what each
 * kind needs, a child under 21): normalised, or the first problem thrown at its field, named by
 * `field` (`body/birthDate` for the API, a column for the bank's file).
 */
export function checkBeneficiary(
  input: BeneficiaryInput,
  now: Date,
  field: (name: 'fullName' | 'birthDate' | 'cardLast4' | 'kind') => string,
): { fullName: string; birthDate: string | null; cardLast4: string | null } {
  const fullName = normaliseFullName(input.fullName);
  if (!fullName) throw fieldError('NAME_INVALID', field('fullName'));
  let birthDate: string | null = null;
  if (input.birthDate) birthDate = parseBirthDate(input.birthDate, field('birthDate'), now);
  if (input.kind === 'child' && !birthDate) {
    throw fieldError('BENEFICIARY_DETAILS_MISSING', field('birthDate'), {
      es: 'Escribe la fecha de nacimiento: la necesitamos para los hijos.',
      en: 'Enter the birth date: we need it for children.',
    });
  }
  if (input.kind === 'additional_cardholder' && !/^\d{4}$/.test(input.cardLast4 ?? '')) {
    throw fieldError('BENEFICIARY_DETAILS_MISSING', field('cardLast4'), {
      es: 'Escribe los últimos 4 dígitos de la tarjeta adicional.',
      en: 'Enter the last 4 digits of the additional card.',
    });
  }
  if (input.kind === 'child' && birthDate) {
    const coverage = coverageOf({ kind: 'child', birthDate, addedAt: now }, now);
    if (!coverage.covered) {
      throw new AppError('BENEFICIARY_NOT_ELIGIBLE', { extensions: { reason: coverage.reason } });
    }
  }
  return {
    fullName,
    birthDate,
    cardLast4: input.kind === 'additional_cardholder' ? (input.cardLast4 ?? null) : null,
  };
}

/** The people a membership covers besides its titular: listing, adding and removing them. */
export class BeneficiariesService {
  constructor(
    private readonly db: Database,
    private readonly repository: MembersRepository,
    private readonly records: MembershipRecords,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async listBeneficiaries(
    actor: Actor,
    membershipId: string,
    includeRemoved: boolean,
  ): Promise<PersonView[]> {
    return this.db.transaction(async (tx) => {
      const { verification } = await this.records.loadDetail(tx, actor, membershipId);
      const people = await this.repository.beneficiariesOf(tx, [membershipId], includeRemoved);
      await this.records.auditRead(tx, actor, membershipId, 'beneficiary.list', verification);
      const now = this.clock.now();
      return people.map((b) => presentBeneficiary(b, now));
    });
  }

  async addBeneficiary(actor: Actor, membershipId: string, input: BeneficiaryInput): Promise<PersonView> {
    const now = this.clock.now();
    const { fullName, birthDate } = checkBeneficiary(input, now, (name) => `body/${name}`);
    return this.db.transaction(async (tx) => {
      const { found, verification } = await this.records.loadDetail(tx, actor, membershipId, true);
      if (found.membership.state === 'cancelled') throw new AppError('MEMBERSHIP_CANCELLED');
      if (input.kind === 'spouse' && (await this.repository.activeSpouse(tx, membershipId))) {
        throw new AppError('BENEFICIARY_SPOUSE_EXISTS');
      }
      const id = newId();
      const row = {
        id,
        membershipId,
        kind: input.kind,
        fullName,
        birthDate,
        cardLast4: input.kind === 'additional_cardholder' ? (input.cardLast4 ?? null) : null,
        addedAt: now,
        removedAt: null,
      };
      await this.repository.insertBeneficiary(tx, row);
      await this.records.refreshSearchText(tx, found.membership);
      await this.records.event(tx, actor, membershipId, {
        type: 'beneficiary_added',
        reason: `Alta de beneficiario (${BENEFICIARY_KIND_WORDS[input.kind]})`,
        details: { beneficiaryId: id, kind: input.kind },
      });
      await this.audit.record(tx, actor, {
        action: 'beneficiary.create',
        recordType: 'membership',
        recordId: membershipId,
        details: { beneficiaryId: id, kind: input.kind, ...(verification ? { verification } : {}) },
      });
      return presentBeneficiary(row, now);
    });
  }

  async removeBeneficiary(actor: Actor, membershipId: string, beneficiaryId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const { found, verification } = await this.records.loadDetail(tx, actor, membershipId, true);
      if (!(await this.repository.removeBeneficiary(tx, membershipId, beneficiaryId, this.clock.now()))) {
        throw new AppError('BENEFICIARY_NOT_FOUND');
      }
      await this.records.refreshSearchText(tx, found.membership);
      await this.records.event(tx, actor, membershipId, {
        type: 'beneficiary_removed',
        reason: 'Baja de beneficiario',
        details: { beneficiaryId },
      });
      await this.audit.record(tx, actor, {
        action: 'beneficiary.remove',
        recordType: 'membership',
        recordId: membershipId,
        details: { beneficiaryId, ...(verification ? { verification } : {}) },
      });
    });
  }
}
