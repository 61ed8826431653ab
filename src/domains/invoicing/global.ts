import { DateTime } from 'luxon';
import type { Database } from '../../db/client.ts';
import { type Clock, MEXICO_CITY } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import type { Jobs } from '../../platform/jobs.ts';
import { type Actor, SYSTEM_ACTOR } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { chargesPaidBetween } from '../billing/read-model.ts';
import { membershipNumbers } from '../members/read-model.ts';
import { buildGlobalInvoice } from './cfdi/index.ts';
import type { Issuing } from './issuing.ts';
import { chargeLine } from './lines.ts';
import type { InvoiceRecord, InvoicingRepository } from './repository.ts';

export const GLOBAL_QUEUE = 'invoicing-global-monthly';

/** Thrown inside the transaction to roll it back when another process issued the month. */
class AlreadyIssued extends Error {
  constructor(readonly invoice: InvoiceRecord) {
    super('already issued');
  }
}

/**
 * The monthly global invoice to PUBLICO EN GENERAL: the charges paid in the month (Mexico City)
 * that no invoice holds, issued once per month. The job runs at 00:30 on the 1st, within the
 * SAT's 24 hours after the period closes; finance may trigger it by hand (API or CLI). Exactly
 * once across processes: a transaction-scoped advisory lock makes issuers take turns, the later
 * one finds the month's document, and a partial unique index on the period stands behind both.
 */
export class GlobalInvoices {
  constructor(
    private readonly db: Database,
    private readonly repository: InvoicingRepository,
    private readonly issuing: Issuing,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly stampAndFollow: (id: string) => Promise<InvoiceRecord>,
  ) {}

  registerJobs(jobs: Jobs): void {
    jobs.handle(GLOBAL_QUEUE, async () => void (await this.issue(SYSTEM_ACTOR)), {
      policy: 'singleton',
      expireInSeconds: 3600,
      schedule: { cron: '30 0 1 * *', tz: MEXICO_CITY },
    });
  }

  /**
   * Issues the month's global invoice (default: the month before now). Answers the document, the
   * one already issued for that month, or null when no charge is left to put in it.
   */
  async issue(
    actor: Actor,
    periodKey?: string,
  ): Promise<{ invoice: InvoiceRecord; created: boolean } | null> {
    const now = DateTime.fromJSDate(this.clock.now(), { zone: MEXICO_CITY });
    const key = periodKey ?? now.minus({ months: 1 }).toFormat('yyyy-MM');
    const start = DateTime.fromFormat(key, 'yyyy-MM', { zone: MEXICO_CITY });
    if (!start.isValid)
      throw new AppError('VALIDATION_FAILED', {
        errors: [{ field: 'body/period', message: 'must be YYYY-MM' }],
      });
    const end = start.plus({ months: 1 });
    if (end > now) throw new AppError('GLOBAL_PERIOD_OPEN');
    let outcome: { invoice: InvoiceRecord; created: boolean } | null;
    try {
      outcome = await this.db.transaction(async (tx) => {
        // Taken first: issuers take turns, and a later one finds the earlier's document.
        await this.repository.lockGlobalIssuing(tx);
        const existing = await this.repository.globalOf(tx, key);
        if (existing) throw new AlreadyIssued(existing);
        const paid = await chargesPaidBetween(tx, start.toJSDate(), end.toJSDate());
        const held = await this.repository.heldCharges(
          tx,
          paid.map((c) => c.id),
        );
        const charges = paid.filter((c) => !held.has(c.id));
        if (charges.length === 0) return null;
        const numbers = await membershipNumbers(
          tx,
          charges.map((c) => c.membershipId),
        );
        const lines = charges.map((c) => chargeLine(c, numbers.get(c.membershipId) ?? ''));
        const invoice = await this.issuing.draft(tx, {
          kind: 'global',
          build: (numbering) =>
            buildGlobalInvoice({
              issuer: this.issuing.prepared.issuer,
              charges: lines,
              period: { year: start.year, month: start.month },
              numbering,
            }),
          membershipId: null,
          periodKey: key,
          chargeIds: charges.map((c) => c.id),
        });
        await this.audit.record(tx, actor, {
          action: 'invoice.global_issue',
          recordType: 'invoice',
          recordId: invoice.id,
          details: { period: key, charges: charges.length },
        });
        return { invoice, created: true };
      });
    } catch (error) {
      if (error instanceof AlreadyIssued) outcome = { invoice: error.invoice, created: false };
      else throw error;
    }
    if (!outcome) return null;
    if (outcome.invoice.status === 'draft') {
      return { invoice: await this.stampAndFollow(outcome.invoice.id), created: outcome.created };
    }
    return outcome;
  }
}
