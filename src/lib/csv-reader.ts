/**
 * A streaming reader of CSV files (RFC 4180: comma, double-quoted fields with `""` for a quote,
 * records ended by CRLF or LF), for files too large to hold: it takes the bytes as they arrive and
 * yields one record at a time, so memory stays flat whatever the file's size. No CSV parser is
 * installed and this is all a bank file needs (docs/decisions: "A CSV reader of our own").
 *
 * - UTF-8 only, decoded strictly: a byte sequence that is not UTF-8 stops the file (`not_utf8`).
 *   A leading byte-order mark is skipped.
 * - Each record knows the file line it starts on (the header is line 1); a quoted field may span
 *   lines, so the next record starts further down.
 * - A record that breaks the quoting rules (a quote inside an unquoted field, text after a closing
 *   quote) is still read to its end and yielded with `malformed` set: the rest of the file goes on.
 * - A quote never closed would swallow the rest of the file: a record longer than `maxRecordChars`
 *   stops the file (`record_too_long`), as does a file ending inside quotes (`unterminated_quote`).
 * - Empty lines (nothing between two line breaks) are skipped; a line with only commas is a record.
 */

export interface CsvRecord {
  fields: string[];
  /** The file line the record starts on (1-based; the header is line 1). */
  line: number;
  /** Set when the record broke the quoting rules: what was wrong, for its error report. */
  malformed?: 'quote_in_field' | 'text_after_quote';
}

export type CsvStopReason = 'not_utf8' | 'record_too_long' | 'unterminated_quote';

/** The file cannot be read on from `line`: what came before it was yielded. */
export class CsvStop extends Error {
  constructor(
    readonly reason: CsvStopReason,
    readonly line: number,
  ) {
    super(`CSV stopped at line ${line}: ${reason}`);
    this.name = 'CsvStop';
  }
}

export interface CsvReaderOptions {
  /** Longest record, in characters (default 1 MiB of text). */
  maxRecordChars?: number;
  /** Told the bytes read so far after each chunk (a progress bar). */
  onBytes?: (bytes: number) => void;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** Reads CSV records from chunks of bytes (a file or request stream). */
export async function* readCsv(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: CsvReaderOptions = {},
): AsyncGenerator<CsvRecord> {
  const maxChars = options.maxRecordChars ?? 1024 * 1024;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let bytes = 0;
  // Parser state, kept across chunks.
  let fields: string[] = [];
  let field = '';
  let recordChars = 0;
  let inQuotes = false;
  /** Just read a quote inside a quoted field: either `""` or the closing quote. */
  let quoteSeen = false;
  /** The field was quoted and closed: only a comma or line end may follow. */
  let closed = false;
  let fieldStarted = false;
  let malformed: CsvRecord['malformed'];
  let line = 1;
  let recordLine = 1;
  /** A CR was the chunk's last character: an LF starting the next chunk belongs to it. */
  let pendingCr = false;
  /** The first text decoded: a byte-order mark there is skipped (the decoder skips it in bytes). */
  let firstText = true;

  const endField = () => {
    recordChars += field.length;
    fields.push(field);
    field = '';
    closed = false;
    fieldStarted = false;
  };
  const takeRecord = (): CsvRecord | null => {
    endField();
    const empty = fields.length === 1 && fields[0] === '' && !malformed;
    const record: CsvRecord | null = empty
      ? null
      : malformed
        ? { fields, line: recordLine, malformed }
        : { fields, line: recordLine };
    fields = [];
    recordChars = 0;
    malformed = undefined;
    return record;
  };

  function* feed(text: string): Generator<CsvRecord> {
    let start = 0;
    const n = text.length;
    let i = 0;
    if (firstText && n > 0) {
      firstText = false;
      if (n > 0 && text.charCodeAt(0) === 0xfeff) i = start = 1;
    }
    if (pendingCr && n > 0) {
      pendingCr = false;
      if (n > 0 && text.charCodeAt(0) === LF) i = start = 1;
    }
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (c === QUOTE) {
            // `""`: one quote; the first was cut off from the text already.
            start = i;
            continue;
          }
          inQuotes = false;
          closed = true;
          // Fall through: this character follows a closed quoted field.
        } else {
          if (c === QUOTE) {
            field += text.slice(start, i);
            quoteSeen = true;
            start = i + 1;
          } else if (c === LF) {
            line++;
          }
          continue;
        }
      }
      if (c === COMMA) {
        if (!closed) field += text.slice(start, i);
        endField();
        start = i + 1;
      } else if (c === LF || c === CR) {
        if (!closed) field += text.slice(start, i);
        const record = takeRecord();
        if (c === CR) {
          if (i + 1 < n) {
            if (text.charCodeAt(i + 1) === LF) i++;
          } else pendingCr = true;
        }
        line++;
        recordLine = line;
        start = i + 1;
        if (record) yield record;
      } else if (closed) {
        malformed ??= 'text_after_quote';
      } else if (c === QUOTE) {
        if (!fieldStarted) {
          inQuotes = true;
          fieldStarted = true;
          start = i + 1;
        } else {
          malformed ??= 'quote_in_field';
        }
      } else {
        fieldStarted = true;
      }
    }
    if (!closed) field += text.slice(start, n);
    if (recordChars + field.length > maxChars) throw new CsvStop('record_too_long', recordLine);
  }

  for await (const chunk of source) {
    let text: string;
    if (typeof chunk === 'string') {
      text = chunk;
      bytes += Buffer.byteLength(chunk);
    } else {
      bytes += chunk.byteLength;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        // The records before the bad bytes are still read: the chunk up to them, then the stop.
        const lenient = new TextDecoder('utf-8').decode(chunk);
        const bad = lenient.indexOf('\uFFFD');
        yield* feed(bad > 0 ? lenient.slice(0, bad) : '');
        throw new CsvStop('not_utf8', line);
      }
    }
    yield* feed(text);
    options.onBytes?.(bytes);
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw new CsvStop('not_utf8', line);
  }
  yield* feed(rest);
  if (inQuotes && !quoteSeen) throw new CsvStop('unterminated_quote', recordLine);
  if (quoteSeen) {
    inQuotes = false;
    closed = true;
  }
  const last = takeRecord();
  if (last) yield last;
}
