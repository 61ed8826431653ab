import type { Transaction } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { validationFailed } from '../../lib/errors.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import './errors.ts';
import { phoneAt } from '../../lib/phone-input.ts';
import { type MembershipRecords, searchTextOf } from './records.ts';
import type { MembershipRecord, MembersRepository } from './repository.ts';

/** The titular's data a rectification may correct here; anything else staff correct by hand. */
export const RECTIFIABLE_FIELDS = ['name', 'email', 'phone', 'birthDate'] as const;
export type RectifiableField = (typeof RECTIFIABLE_FIELDS)[number];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * What the privacy office changes in a titular's data when it grants an ARCO right: a correction
 * (rectification) and the block of the data (cancellation). Members owns the data, so the change,
 * its membership event and its audit entry are made here, in the caller's transaction.
 */
export class PersonalDataService {
  constructor(
    private readonly repository: MembersRepository,
    private readonly records: MembershipRecords,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Corrects one of the titular's data; a value the product would refuse at contracting is refused. */
  async rectify(
    tx: Transaction,
    actor: Actor,
    membershipId: string,
    field: RectifiableField,
    value: string,
  ): Promise<void> {
    const found = await this.records.load(tx, actor, membershipId, true);
    const m = found.membership;
    const changes: Partial<MembershipRecord> = {};
    const v = value.trim();
    if (field === 'name') {
      if (v.length < 3) throw validationFailed('body/correction', 'must be a full name');
      changes.titularName = v.replace(/\s+/g, ' ');
    } else if (field === 'email') {
      if (!EMAIL.test(v)) throw validationFailed('body/correction', 'must be an email address');
      changes.titularEmail = v.toLowerCase();
    } else if (field === 'phone') {
      changes.titularPhone = phoneAt('body/correction', v);
    } else {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v)))
        throw validationFailed('body/correction', 'must be a date, YYYY-MM-DD');
      changes.titularBirthDate = v;
    }
    const people = await this.repository.beneficiariesOf(tx, [membershipId], false);
    const blocked = m.personalDataBlockedAt !== null;
    await this.repository.update(tx, membershipId, {
      ...changes,
      updatedAt: this.clock.now(),
      ...(blocked ? {} : { searchText: searchTextOf({ ...m, ...changes }, people) }),
    });
    await this.records.event(tx, actor, membershipId, {
      type: 'data_rectified',
      reason: 'Rectificación de datos (derechos ARCO)',
      details: { field },
    });
    await this.audit.record(tx, actor, {
      action: 'membership.data_rectified',
      recordType: 'membership',
      recordId: membershipId,
      details: { field },
    });
  }

  /**
   * Blocks the titular's personal data (ARCO cancellation): kept for the legal obligations only.
   * Staff search no longer finds the membership by the person's name, email or phone (only by its
   * number, which billing and tax records carry). Blocking twice keeps the first instant.
   */
  async block(tx: Transaction, actor: Actor, membershipId: string): Promise<void> {
    const found = await this.records.load(tx, actor, membershipId, true);
    const m = found.membership;
    if (m.personalDataBlockedAt) return;
    const now = this.clock.now();
    await this.repository.update(tx, membershipId, {
      personalDataBlockedAt: now,
      searchText: m.number.toLowerCase(),
      updatedAt: now,
    });
    await this.records.event(tx, actor, membershipId, {
      type: 'personal_data_blocked',
      reason: 'Cancelación de datos (derechos ARCO): bloqueados, se conservan solo por obligación legal',
    });
    await this.audit.record(tx, actor, {
      action: 'membership.personal_data_blocked',
      recordType: 'membership',
      recordId: membershipId,
    });
  }
}
