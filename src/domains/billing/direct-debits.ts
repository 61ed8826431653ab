import { DateTime } from 'luxon';
import type { Database } from '../../db/client.ts';
import { type Clock, MEXICO_CITY, mexicoCityDate } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import type { ChargeAttempts } from './attempts.ts';
import {
  type Answer,
  bankDeclineCode,
  collectionHeader,
  collectionLine,
  isAnswerHeader,
  type LineProblem,
  parseAnswerLine,
} from './direct-debit-files.ts';
import type { DirectDebitRepository } from './direct-debit-repository.ts';
import type { AttemptOutcome } from './repository.ts';
import { attemptKey, emptySummary } from './run-options.ts';

/** Lines read, and answers applied, per transaction. */
export const ANSWER_BATCH = 500;
/** Collection file lines read per statement while exporting. */
const FILE_BATCH = 1000;
/** Lines not applied the report lists (its counters count them all). */
export const REPORT_LIMIT = 1000;

/** What became of one answer line that was not applied now. */
export type LineIssue =
  | { line: number; reference: string; kind: 'already_applied'; es: string; en: string }
  | LineProblem;

export interface AnswerImportReport {
  /** Answer lines read (the header and blank lines aside). */
  lines: number;
  approved: number;
  rejected: number;
  alreadyApplied: number;
  problems: number;
  /** The lines not applied now, in file order: already applied ones and problems (the first 1,000). */
  issues: LineIssue[];
  issuesTruncated: boolean;
}

export interface ImportOptions {
  /** Called after each batch with the lines read so far. */
  onProgress?: (lines: number) => void;
  /** Called for every line not applied now (the CLI's report file), past the report's limit too. */
  onIssue?: (issue: LineIssue) => void;
}

const ALREADY = {
  es: 'Ya aplicada: esta respuesta se importó antes.',
  en: 'Already applied: imported before.',
};

/**
 * Direct debit (domiciliación) with the bank's files: the day's collection file (sealed at its first
 * export, so exporting again gives the same file) and the bank's answer file, whose approvals and
 * rejections settle the charges through `ChargeAttempts.settleWithin` — the processor's own path —
 * exactly once: each collection's answer is recorded once, in the transaction that settles its charge.
 */
export class DirectDebits {
  constructor(
    private readonly db: Database,
    private readonly repository: DirectDebitRepository,
    private readonly attempts: ChargeAttempts,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * The collection file of a Mexico City day: sealed on its first export (every collection not yet
   * sent, up to that day), then read back in reference order, streamed. A day in the future is
   * refused: sealing it would take today's collections away from today's file.
   */
  async exportFile(
    actor: Actor,
    fileDate: string,
  ): Promise<{ lines: number; amountCentavos: number; body: AsyncGenerator<string> }> {
    const day = DateTime.fromISO(fileDate, { zone: MEXICO_CITY });
    if (!day.isValid || day.toISODate() !== fileDate)
      throw new AppError('VALIDATION_FAILED', {
        errors: [{ field: 'params/date', message: 'must be a real date (YYYY-MM-DD)' }],
      });
    if (fileDate > mexicoCityDate(this.clock.now())) throw new AppError('DIRECT_DEBIT_DATE_IN_FUTURE');
    const file = await this.db.transaction(async (tx) => {
      const sealed = await this.repository.seal(tx, fileDate, this.clock.now());
      await this.audit.record(tx, actor, {
        action: 'direct_debit.file_exported',
        recordType: 'direct_debit_file',
        recordId: fileDate,
        details: { lines: sealed.lines, amountCentavos: sealed.amountCentavos, sealedNow: sealed.sealedNow },
      });
      return sealed;
    });
    const { db, repository } = this;
    async function* body(): AsyncGenerator<string> {
      yield collectionHeader();
      let after: string | null = null;
      for (;;) {
        const batch = await repository.fileLines(db, fileDate, after, FILE_BATCH);
        if (batch.length === 0) return;
        yield batch.map(collectionLine).join('');
        if (batch.length < FILE_BATCH) return;
        after = batch[batch.length - 1]?.reference ?? null;
      }
    }
    return { lines: file.lines, amountCentavos: file.amountCentavos, body: body() };
  }

  /**
   * Reads the bank's answer file line by line (the header first, or nothing is read) and applies it
   * a batch at a time, each batch in one transaction: an approval settles the charge as paid, a
   * rejection as a declined attempt (retries, past due). A line that cannot be applied — malformed,
   * an unknown reference, one never sent, repeated, or answered before — is reported with its line
   * number and changes nothing; the lines around it are applied all the same.
   */
  async importAnswers(
    actor: Actor,
    source: AsyncIterable<string> | Iterable<string>,
    options: ImportOptions = {},
  ): Promise<AnswerImportReport> {
    const report: AnswerImportReport = {
      lines: 0,
      approved: 0,
      rejected: 0,
      alreadyApplied: 0,
      problems: 0,
      issues: [],
      issuesTruncated: false,
    };
    const issue = (i: LineIssue) => {
      if (i.kind === 'already_applied') report.alreadyApplied++;
      else report.problems++;
      if (report.issues.length < REPORT_LIMIT) report.issues.push(i);
      else report.issuesTruncated = true;
      options.onIssue?.(i);
    };
    const seen = new Map<string, number>();
    let batch: Answer[] = [];
    let number = 0;
    let header = false;
    for await (const raw of source) {
      number++;
      const text = raw.replace(/\r$/, '');
      if (!header) {
        if (text.trim() === '' && number === 1) continue;
        if (!isAnswerHeader(text)) throw new AppError('DIRECT_DEBIT_ANSWER_HEADER');
        header = true;
        continue;
      }
      if (text.trim() === '') continue;
      report.lines++;
      const parsed = parseAnswerLine(text, number);
      if ('kind' in parsed) {
        issue(parsed);
        continue;
      }
      const first = seen.get(parsed.reference);
      if (first !== undefined) {
        issue({
          line: number,
          reference: parsed.reference,
          kind: 'duplicate',
          es: `Referencia repetida en el archivo (ya viene en la línea ${first}); esta línea no se aplica.`,
          en: `Reference repeated in the file (already on line ${first}); this line is not applied.`,
        });
        continue;
      }
      seen.set(parsed.reference, number);
      batch.push(parsed);
      if (batch.length >= ANSWER_BATCH) {
        await this.applyBatch(batch, report, issue);
        batch = [];
        options.onProgress?.(number);
      }
    }
    if (!header) throw new AppError('DIRECT_DEBIT_ANSWER_HEADER');
    await this.applyBatch(batch, report, issue);
    options.onProgress?.(number);
    report.issues.sort((x, y) => x.line - y.line);
    await this.db.transaction(async (tx) =>
      this.audit.record(tx, actor, {
        action: 'direct_debit.answers_imported',
        recordType: 'direct_debit_file',
        recordId: null,
        details: {
          lines: report.lines,
          approved: report.approved,
          rejected: report.rejected,
          alreadyApplied: report.alreadyApplied,
          problems: report.problems,
        },
      }),
    );
    return report;
  }

  private async applyBatch(
    answers: Answer[],
    report: AnswerImportReport,
    issue: (i: LineIssue) => void,
  ): Promise<void> {
    if (answers.length === 0) return;
    const found = new Map(
      (
        await this.repository.byReferences(
          this.db,
          answers.map((a) => a.reference),
        )
      ).map((c) => [c.reference, c]),
    );
    const apply: (Answer & { chargeId: string; attempt: number })[] = [];
    const late: LineIssue[] = [];
    for (const a of answers) {
      const c = found.get(a.reference);
      const at = { line: a.line, reference: a.reference };
      if (!c)
        late.push({
          ...at,
          kind: 'unknown_reference',
          es: 'Referencia desconocida: no corresponde a ningún cobro enviado por Libra.',
          en: 'Unknown reference: it matches no collection Libra sent.',
        });
      else if (c.fileDate === null)
        late.push({
          ...at,
          kind: 'not_sent',
          es: 'Esa referencia aún no se ha enviado al banco en un archivo de cobranza.',
          en: 'That reference has not been sent to the bank in a collection file yet.',
        });
      else if (c.result === a.result && c.reasonCode === a.reasonCode)
        late.push({ ...at, kind: 'already_applied', ...ALREADY });
      else if (c.result !== null)
        late.push({
          ...at,
          kind: 'conflict',
          es: `La referencia ya tiene otra respuesta (${c.result === 'approved' ? 'aprobado' : `rechazado, motivo ${c.reasonCode}`}); esta no se aplica.`,
          en: `The reference already has another answer (${c.result}${c.reasonCode ? `, reason ${c.reasonCode}` : ''}); this one is not applied.`,
        });
      else apply.push({ ...a, chargeId: c.chargeId, attempt: c.attempt });
    }
    const now = this.clock.now();
    const summary = emptySummary(newId(), now);
    const applied = await this.db.transaction(async (tx) => {
      // The answer is recorded first (locking the collection): an import running at the same time
      // finds it recorded and applies nothing of it.
      const recorded = new Set(await this.repository.recordAnswers(tx, apply, now));
      const outcomes: AttemptOutcome[] = apply
        .filter((a) => recorded.has(a.reference))
        .map((a) => ({
          id: a.chargeId,
          attempt: a.attempt,
          key: attemptKey(a.chargeId, a.attempt),
          status: a.result === 'approved' ? 'succeeded' : 'declined',
          gatewayChargeId: a.reference,
          declineCode: a.reasonCode ? bankDeclineCode(a.reasonCode) : null,
        }));
      const settled = new Set(
        (await this.attempts.settleWithin(tx, outcomes, now, summary)).map((s) => s.id),
      );
      // A charge no longer waiting for this answer (it cannot happen while only answers settle a
      // collecting charge): the answer is not kept, so nothing is half-applied.
      const stale = apply.filter((a) => recorded.has(a.reference) && !settled.has(a.chargeId));
      await this.repository.forgetAnswers(
        tx,
        stale.map((a) => a.reference),
      );
      return { recorded, stale: new Set(stale.map((a) => a.reference)) };
    });
    for (const a of apply) {
      if (applied.stale.has(a.reference))
        late.push({
          line: a.line,
          reference: a.reference,
          kind: 'stale',
          es: 'El cobro ya no espera esta respuesta; no se aplica.',
          en: 'The charge no longer waits for this answer; it is not applied.',
        });
      else if (!applied.recorded.has(a.reference))
        late.push({ line: a.line, reference: a.reference, kind: 'already_applied', ...ALREADY });
      else if (a.result === 'approved') report.approved++;
      else report.rejected++;
    }
    for (const i of late.sort((x, y) => x.line - y.line)) issue(i);
  }
}
