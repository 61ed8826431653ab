/**
 * The bank's two direct-debit files (docs/bank-files.md), pure: the collection file Libra writes and
 * the answer file it reads. Both are CSV (RFC 4180, UTF-8, comma, CRLF, a header row): the answer
 * file the bank sends is CSV, so one reader and one writer serve both, and a person can open either.
 */

/** The collection file's columns, in order. */
export const COLLECTION_HEADERS = [
  'referencia',
  'fecha_cobro',
  'membresia',
  'token_tarjeta',
  'importe_centavos',
  'moneda',
  'periodo',
  'intento',
] as const;

/** The answer file's columns, in order (the header must say exactly these). */
export const ANSWER_HEADERS = ['referencia', 'resultado', 'motivo'] as const;

/** One line of the collection file. */
export interface CollectionLine {
  reference: string;
  fileDate: string;
  membershipNumber: string;
  cardToken: string;
  amountCentavos: number;
  periodKey: string;
  attempt: number;
}

/**
 * The bank's reasons for a rejection, by code (the layout's catalogue; docs/bank-files.md). A
 * rejected charge keeps `bank_<code>` as its decline code, which reads with these labels.
 */
export const BANK_REASONS: Record<string, { es: string; en: string }> = {
  '01': { es: 'Cuenta inexistente', en: 'Account does not exist' },
  '02': { es: 'Cuenta cancelada o bloqueada', en: 'Account closed or blocked' },
  '03': { es: 'Fondos insuficientes', en: 'Insufficient funds' },
  '04': { es: 'Domiciliación no autorizada por el titular', en: 'Direct debit not authorised by the holder' },
  '05': { es: 'Tarjeta vencida', en: 'Card expired' },
  '06': { es: 'El titular pidió no pagar el cargo', en: 'The holder asked the bank not to pay' },
  '99': { es: 'Rechazado por el banco por otro motivo', en: 'Rejected by the bank for another reason' },
};

/** The decline code a rejection is kept with: `bank_03`. */
export function bankDeclineCode(reason: string): string {
  return `bank_${reason}`;
}

/** Decline labels of the bank's reasons, keyed by decline code. */
export function bankDeclineLabels(): Record<string, { es: string; en: string }> {
  return Object.fromEntries(
    Object.entries(BANK_REASONS).map(([code, label]) => [bankDeclineCode(code), label]),
  );
}

/** A field as the bank reads it: quoted only when it holds a comma, a quote or a line break. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function collectionHeader(): string {
  return `${COLLECTION_HEADERS.join(',')}\r\n`;
}

export function collectionLine(c: CollectionLine): string {
  return `${[
    c.reference,
    c.fileDate,
    c.membershipNumber,
    c.cardToken,
    String(c.amountCentavos),
    'MXN',
    c.periodKey,
    String(c.attempt),
  ]
    .map(field)
    .join(',')}\r\n`;
}

/** An answer line read: what the bank said of one reference. */
export interface Answer {
  line: number;
  reference: string;
  result: 'approved' | 'rejected';
  /** The bank's reason code for a rejection (null for an approval). */
  reasonCode: string | null;
}

/** Why a line cannot be read, in both languages. */
export interface LineProblem {
  line: number;
  reference: string | null;
  kind: 'malformed' | 'unknown_reference' | 'not_sent' | 'duplicate' | 'conflict' | 'stale';
  es: string;
  en: string;
}

/** Splits one CSV line into its fields (quotes as RFC 4180); null when a quote is left open. */
export function splitCsvLine(text: string): string[] | null {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        current += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"' && current === '') quoted = true;
    else if (ch === ',') {
      fields.push(current);
      current = '';
    } else current += ch;
    i++;
  }
  if (quoted) return null;
  fields.push(current);
  return fields;
}

const RESULTS: Record<string, Answer['result']> = {
  aprobado: 'approved',
  approved: 'approved',
  rechazado: 'rejected',
  rejected: 'rejected',
};

/** References as Libra writes them: `LP-26-004211-202701-1`. */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9-]{2,63}$/;

/** Whether the first line is the answer file's header (a BOM and case are forgiven). */
export function isAnswerHeader(text: string): boolean {
  const fields = splitCsvLine(text.replace(/^\uFEFF/, '').trim());
  return (
    fields !== null &&
    fields.length === ANSWER_HEADERS.length &&
    fields.every((f, i) => f.trim().toLowerCase() === ANSWER_HEADERS[i])
  );
}

/** One answer line (after the header): the answer, or why it cannot be read. */
export function parseAnswerLine(text: string, line: number): Answer | LineProblem {
  const problem = (es: string, en: string, reference: string | null = null): LineProblem => ({
    line,
    reference,
    kind: 'malformed',
    es,
    en,
  });
  const fields = splitCsvLine(text);
  if (!fields) return problem('Comillas sin cerrar.', 'A quote is left open.');
  if (fields.length !== ANSWER_HEADERS.length)
    return problem(
      `Se esperaban 3 columnas (referencia, resultado, motivo) y hay ${fields.length}.`,
      `Expected 3 columns (referencia, resultado, motivo), found ${fields.length}.`,
    );
  const [reference, result, reason] = fields.map((f) => f.trim()) as [string, string, string];
  if (!REFERENCE.test(reference))
    return problem(
      'La referencia falta o no tiene el formato de Libra.',
      'The reference is missing or malformed.',
    );
  const outcome = RESULTS[result.toLowerCase()];
  if (!outcome)
    return problem(
      `El resultado "${result}" no es "aprobado" ni "rechazado".`,
      `The result "${result}" is neither "aprobado" nor "rechazado".`,
      reference,
    );
  if (outcome === 'approved') {
    if (reason !== '')
      return problem(
        'Un cobro aprobado no lleva motivo.',
        'An approved collection carries no reason.',
        reference,
      );
    return { line, reference, result: outcome, reasonCode: null };
  }
  if (reason === '')
    return problem(
      'Un rechazo debe traer el código de motivo del banco.',
      'A rejection needs the bank’s reason code.',
      reference,
    );
  if (!BANK_REASONS[reason])
    return problem(
      `El código de motivo "${reason}" no está en el catálogo (${Object.keys(BANK_REASONS).join(', ')}).`,
      `The reason code "${reason}" is not in the catalogue (${Object.keys(BANK_REASONS).join(', ')}).`,
      reference,
    );
  return { line, reference, result: outcome, reasonCode: reason };
}
