import type { Database } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import { type CsvRecord, CsvStop, type CsvStopReason, readCsv } from '../../lib/csv-reader.ts';
import { AppError, type ErrorCode, errorDefinition } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Actor } from '../../platform/principal.ts';
import type { AuditService } from '../audit/service.ts';
import { csvLine } from '../billing/charges-csv.ts';
import type { BankSaleInput, BankSalesService, CheckedSale } from '../members/bank-sales.ts';
import './errors.ts';
import { MALFORMED_ROW, MembersLayout, type RowProblem } from './members-layout.ts';
import type { ImportErrorRecord, ImportRunRecord, ImportsRepository } from './repository.ts';

/** Rows written per transaction: a batch's statements carry a thousand rows each. */
export const IMPORT_BATCH_ROWS = 1000;

/** The largest file the API takes (the CLI reads any size): a million sales are about 300 MB. */
export const IMPORT_MAX_BYTES = 1024 * 1024 * 1024;

const STOP_CODES: Record<CsvStopReason, ErrorCode> = {
  not_utf8: 'IMPORT_FILE_NOT_UTF8',
  record_too_long: 'IMPORT_ROW_TOO_LONG',
  unterminated_quote: 'IMPORT_UNTERMINATED_QUOTE',
};

/** The error report's header: file line, column, code, the reason in Spanish and English, reference. */
export const ERROR_REPORT_HEADER = ['linea', 'columna', 'codigo', 'motivo', 'reason', 'referencia'] as const;

export interface ImportOptions {
  /** The door: `cli` or `api`. */
  source: 'cli' | 'api';
  fileName?: string | null;
  /** Stop reading past this many bytes (the API's limit); none from the CLI. */
  maxBytes?: number;
  /** Told the bytes read so far (the CLI's progress bar). */
  onBytes?: (bytes: number) => void;
}

interface PreparedBatch {
  records: CsvRecord[];
  problems: Map<CsvRecord, RowProblem[]>;
  checked: { record: CsvRecord; sale: CheckedSale }[];
  alreadyBefore: number;
}

/** Stops the read when the body passes the byte limit (checked as the bytes arrive). */
class TooLarge extends Error {}

async function* limited(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  maxBytes: number | undefined,
) {
  let bytes = 0;
  for await (const chunk of source) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (maxBytes !== undefined && bytes > maxBytes) throw new TooLarge();
    yield chunk;
  }
}

/**
 * Partner files brought into Libra: the bank's members file (its sales). The file is read as a
 * stream and written in batches of IMPORT_BATCH_ROWS rows, each in one transaction with its error
 * rows and the run's counts: memory stays flat, a batch is whole or absent, and a run cut short
 * says how far it got. Re-reading a file makes nothing twice (the bank's reference of each sale).
 */
export class ImportsService {
  constructor(
    private readonly db: Database,
    private readonly repository: ImportsRepository,
    private readonly sales: BankSalesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Imports the bank's members file. The header is checked first: a file that is not the layout
   * is refused whole (IMPORT_FILE_EMPTY, IMPORT_HEADER_INVALID) and nothing is recorded. Then
   * every row is imported, already imported (its reference has a membership) or rejected with its
   * problems; a file that cannot be read on (not UTF-8, a quote never closed, too large) stops
   * there, keeping what came before. Answers the run.
   */
  async importMembers(
    actor: Actor,
    source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
    options: ImportOptions,
  ): Promise<ImportRunRecord> {
    let bytesRead = 0;
    const records = readCsv(limited(source, options.maxBytes), {
      onBytes: (bytes) => {
        bytesRead = bytes;
        options.onBytes?.(bytes);
      },
    });
    let first: IteratorResult<CsvRecord>;
    try {
      first = await records.next();
    } catch (error) {
      throw stopAsProblem(error);
    }
    if (first.done) throw new AppError('IMPORT_FILE_EMPTY');
    const layout = MembersLayout.of(first.value.fields);

    const runId = newId();
    await this.db.transaction(async (tx) => {
      await this.repository.insertRun(tx, {
        id: runId,
        kind: 'members',
        source: options.source,
        fileName: options.fileName ?? null,
        actorType: actor.principal ? actor.principal.kind : 'system',
        actorId: actor.principal
          ? actor.principal.kind === 'user'
            ? actor.principal.userId
            : actor.principal.apiKeyId
          : null,
        status: 'running',
        startedAt: this.clock.now(),
      });
      await this.audit.record(tx, actor, {
        action: 'import.members',
        recordType: 'import_run',
        recordId: runId,
        details: { source: options.source, fileName: options.fileName ?? null },
      });
    });

    // A batch is checked while the one before it is written (reads and CPU beside the other's
    // transaction); writes stay one at a time and in order, so each sees what the last committed.
    let writing: Promise<void> = Promise.resolve();
    const flush = async (records: CsvRecord[], bytes: number) => {
      if (records.length === 0) return;
      const prepared = await this.prepareBatch(layout, records);
      await writing;
      writing = this.writeBatch(actor, runId, layout, prepared, bytes);
      // Awaited by the next flush or at the end; meanwhile its failure must not go unhandled.
      writing.catch(() => {});
    };
    let batch: CsvRecord[] = [];
    let stop: { code: ErrorCode; line: number } | null = null;
    try {
      for await (const record of records) {
        batch.push(record);
        if (batch.length >= IMPORT_BATCH_ROWS) {
          await flush(batch, bytesRead);
          batch = [];
        }
      }
    } catch (error) {
      if (error instanceof CsvStop) stop = { code: STOP_CODES[error.reason], line: error.line };
      else if (error instanceof TooLarge) stop = { code: 'IMPORT_FILE_TOO_LARGE', line: lastLine(batch) };
      else {
        await writing.catch(() => {});
        throw error;
      }
    }
    await flush(batch, bytesRead);
    await writing;
    await this.repository.finish(this.db, runId, {
      status: stop ? 'stopped' : 'completed',
      stopCode: stop?.code ?? null,
      stopLine: stop?.line ?? null,
      at: this.clock.now(),
      bytesRead,
    });
    return (await this.repository.run(this.db, runId)) as ImportRunRecord;
  }

  /** A batch's rows read and checked (nothing written): its problems, its sales and those imported before. */
  private async prepareBatch(layout: MembersLayout, records: CsvRecord[]): Promise<PreparedBatch> {
    const problems = new Map<CsvRecord, RowProblem[]>();
    const read: { record: CsvRecord; sale: BankSaleInput }[] = [];
    // A sale imported before is reported as such whatever its row says now (a card expired since,
    // the titular's membership now live): its reference is looked at before anything else.
    const wellFormed = records.filter((r) => !r.malformed && r.fields.length === layout.names.length);
    const taken = await this.sales.takenReferences(
      wellFormed.flatMap((r) => layout.referenceOf(r.fields) ?? []),
    );
    let alreadyBefore = 0;
    for (const record of records) {
      if (record.malformed) {
        problems.set(record, [MALFORMED_ROW]);
        continue;
      }
      const reference =
        record.fields.length === layout.names.length ? layout.referenceOf(record.fields) : null;
      if (reference && taken.has(reference)) {
        alreadyBefore++;
        continue;
      }
      const result = layout.read(record.fields);
      if ('problems' in result) problems.set(record, result.problems);
      else read.push({ record, sale: result.sale });
    }
    const checks = await this.sales.check(read.map((r) => r.sale));
    const checked = read.flatMap(({ record }, i) => {
      const check = checks[i];
      if (!check) return [];
      if ('problems' in check) {
        problems.set(
          record,
          check.problems.map((p) => layout.problemOf(p)),
        );
        return [];
      }
      return [{ record, sale: check.sale }];
    });

    return { records, problems, checked, alreadyBefore };
  }

  /** A prepared batch written with its errors and the run's counts, in one transaction. */
  private async writeBatch(
    actor: Actor,
    runId: string,
    layout: MembersLayout,
    { records, problems, checked, alreadyBefore }: PreparedBatch,
    bytesRead: number,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const outcome = await this.sales.record(
        tx,
        actor,
        checked.map((c) => c.sale),
        { importRunId: runId },
      );
      for (const { record, sale } of checked) {
        const refused = outcome.refused.get(sale.reference);
        if (refused) problems.set(record, [layout.problemOf(refused)]);
      }
      const rows = [...problems.entries()]
        .sort(([a], [b]) => a.line - b.line)
        .flatMap(([record, found]) =>
          found.map((p) => ({
            id: newId(),
            runId,
            line: record.line,
            column: p.column,
            code: p.code,
            reference: layout.referenceOf(record.fields),
            reasonEs: p.localised.es,
            reasonEn: p.localised.en,
          })),
        );
      await this.repository.insertErrors(tx, rows);
      await this.repository.addCounts(tx, runId, {
        rows: records.length,
        imported: outcome.created.size,
        alreadyImported: alreadyBefore + outcome.already.size,
        rejected: problems.size,
        bytesRead,
      });
    });
  }

  /** A run, for finance (and the CLI's summary). */
  async run(id: string): Promise<ImportRunRecord> {
    const found = await this.repository.run(this.db, id);
    if (!found) throw new AppError('IMPORT_NOT_FOUND');
    return found;
  }

  /**
   * A run's error report as CSV text, produced a page at a time (UTF-8 with a BOM for Excel, CRLF,
   * RFC 4180): the header, then one line per problem in file order; the run's stop, if any, last.
   */
  async *errorReport(id: string): AsyncGenerator<string> {
    const run = await this.run(id);
    yield `\uFEFF${csvLine(ERROR_REPORT_HEADER)}`;
    let after: { line: number; id: string } | null = null;
    for (;;) {
      const page: ImportErrorRecord[] = await this.repository.errorsPage(this.db, id, after, 1000);
      if (page.length === 0) break;
      yield page
        .map((e) => csvLine([String(e.line), e.column, e.code, e.reasonEs, e.reasonEn, e.reference ?? '']))
        .join('');
      const last = page[page.length - 1] as ImportErrorRecord;
      after = { line: last.line, id: last.id };
    }
    if (run.stopCode) {
      const definition = errorDefinition(run.stopCode);
      yield csvLine([
        String(run.stopLine ?? ''),
        '',
        run.stopCode,
        definition?.es ?? '',
        definition?.en ?? '',
        '',
      ]);
    }
  }
}

function lastLine(batch: CsvRecord[]): number {
  return (batch[batch.length - 1]?.line ?? 1) + 1;
}

/** A file that cannot be read before its header is a problem of the whole request. */
function stopAsProblem(error: unknown): unknown {
  if (error instanceof CsvStop) return new AppError(STOP_CODES[error.reason]);
  if (error instanceof TooLarge) return new AppError('IMPORT_FILE_TOO_LARGE');
  return error;
}
