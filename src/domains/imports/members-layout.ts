import { findCardNumbers } from '../../lib/card-numbers.ts';
import { AppError, type ErrorCode, errorDefinition, type LocalisedText } from '../../lib/errors.ts';
import { isStorableText } from '../../lib/text.ts';
import { BANK_SALE_MAX_BENEFICIARIES, type BankSaleInput, type SaleProblem } from '../members/bank-sales.ts';
import './errors.ts';

/**
 * The bank's members file (docs/bank-files.md): its columns, the header check, and each row read
 * into a sale for contracting's checks — or the problems with its values, at their columns.
 */

interface Column {
  name: string;
  required: boolean;
  maxLength: number;
  /** Where contracting names the value (`body/titular/email`): its problems come back there. */
  field: string;
}

const column = (name: string, field: string, maxLength: number, required = true): Column => ({
  name,
  required,
  maxLength,
  field,
});

/** The sale's own columns; lengths as the contracting API's schema allows them. */
export const SALE_COLUMNS: readonly Column[] = [
  column('bank_reference', 'reference', 64),
  column('plan_code', 'body/planCode', 50),
  column('titular_full_name', 'body/titular/fullName', 150),
  column('titular_birth_date', 'body/titular/birthDate', 10),
  column('titular_email', 'body/titular/email', 254),
  column('titular_phone', 'body/titular/phone', 25),
  column('titular_curp', 'body/titular/curp', 20, false),
  column('titular_rfc', 'body/titular/rfc', 20, false),
  column('card_token', 'body/cardToken', 200),
  column('terms_version', 'body/consent/termsVersion', 50),
  column('privacy_notice_version', 'body/consent/privacyNoticeVersion', 50),
  column('contracted_on', 'body/contractedOn', 10),
];

const BENEFICIARY_PARTS = [
  ['kind', 'kind', 30],
  ['full_name', 'fullName', 150],
  ['birth_date', 'birthDate', 10],
  ['card_last4', 'cardLast4', 4],
] as const;

/** The optional columns of beneficiary n (1-based): `beneficiary_1_kind`, … */
export function beneficiaryColumns(n: number): Column[] {
  return BENEFICIARY_PARTS.map(([part, field, maxLength]) =>
    column(`beneficiary_${n}_${part}`, `body/beneficiaries/${n - 1}/${field}`, maxLength, false),
  );
}

const ALL_COLUMNS = new Map<string, Column>(
  [
    ...SALE_COLUMNS,
    ...Array.from({ length: BANK_SALE_MAX_BENEFICIARIES }, (_, i) => beneficiaryColumns(i + 1)).flat(),
  ].map((c) => [c.name, c]),
);

const KINDS = new Set(['spouse', 'child', 'additional_cardholder']);
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
/** As the API's `format: email` takes an address, near enough: one @, a dotted domain, no spaces. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** A problem with a row, at its column (empty: the row as a whole). */
export interface RowProblem {
  column: string;
  code: ErrorCode;
  localised: LocalisedText;
}

function reasonOf(code: ErrorCode): LocalisedText {
  const definition = errorDefinition(code);
  return { es: definition?.es ?? code, en: definition?.en ?? code };
}

const PAN_IN_FILE: LocalisedText = {
  es: 'Este valor parece un número de tarjeta: el banco envía el token de la pasarela de pagos, nunca el número. La fila no se importó ni se guardó.',
  en: 'This value looks like a card number: the bank sends the payment gateway’s token, never the number. The row was neither imported nor stored.',
};

/** The header's columns, checked: the layout's, each once, the sale's all present, groups whole. */
export class MembersLayout {
  private constructor(
    readonly names: readonly string[],
    private readonly groups: number[],
    private readonly fieldToColumn: Map<string, string>,
  ) {}

  /** The layout of a header row, or IMPORT_HEADER_INVALID naming each problem. */
  static of(header: readonly string[]): MembersLayout {
    const names = header.map((h) => h.trim().toLowerCase());
    const problems: { field: string; localised: LocalisedText }[] = [];
    const seen = new Set<string>();
    for (const name of names) {
      if (!ALL_COLUMNS.has(name)) {
        problems.push({
          field: name.slice(0, 64),
          localised: {
            es: `Columna desconocida: «${name.slice(0, 64)}».`,
            en: `Unknown column "${name.slice(0, 64)}".`,
          },
        });
      } else if (seen.has(name)) {
        problems.push({
          field: name,
          localised: { es: `La columna «${name}» está repetida.`, en: `The column "${name}" is repeated.` },
        });
      }
      seen.add(name);
    }
    for (const c of SALE_COLUMNS) {
      if (!seen.has(c.name)) {
        problems.push({
          field: c.name,
          localised: { es: `Falta la columna «${c.name}».`, en: `The column "${c.name}" is missing.` },
        });
      }
    }
    const groups: number[] = [];
    for (let n = 1; n <= BANK_SALE_MAX_BENEFICIARIES; n++) {
      const columns = beneficiaryColumns(n);
      const present = columns.filter((c) => seen.has(c.name));
      if (present.length === 0) continue;
      if (present.length < columns.length) {
        for (const c of columns.filter((c) => !seen.has(c.name))) {
          problems.push({
            field: c.name,
            localised: {
              es: `Falta la columna «${c.name}»: cada beneficiario lleva sus cuatro columnas.`,
              en: `The column "${c.name}" is missing: each beneficiary has its four columns.`,
            },
          });
        }
      } else groups.push(n);
    }
    if (problems.length > 0) {
      throw new AppError('IMPORT_HEADER_INVALID', {
        errors: problems.map((p) => ({ field: p.field, message: p.localised.en, localised: p.localised })),
      });
    }
    const fieldToColumn = new Map([...ALL_COLUMNS.values()].map((c) => [c.field, c.name]));
    return new MembersLayout(names, groups, fieldToColumn);
  }

  /** The column a contracting field's problem belongs to (`body/titular/email` → `titular_email`). */
  columnOf(field: string): string {
    return this.fieldToColumn.get(field) ?? '';
  }

  /** A problem from contracting's checks, at its column. */
  problemOf(p: SaleProblem): RowProblem {
    return { column: this.columnOf(p.field), code: p.code, localised: p.localised };
  }

  /**
   * A row's values read into a sale, or the problems with them: a card number anywhere (the row is
   * dropped, its values never stored nor echoed), text that cannot be stored, a required value
   * missing, a value too long, an email or reference not well formed, a beneficiary's kind.
   */
  read(fields: readonly string[]): { sale: BankSaleInput } | { problems: RowProblem[] } {
    if (fields.length !== this.names.length) {
      return { problems: [{ column: '', code: 'ROW_FIELD_COUNT', localised: reasonOf('ROW_FIELD_COUNT') }] };
    }
    const problems: RowProblem[] = [];
    const value = new Map<string, string>();
    this.names.forEach((name, i) => {
      const raw = fields[i] as string;
      const c = ALL_COLUMNS.get(name) as Column;
      if (findCardNumbers(raw).length > 0) {
        problems.push({ column: name, code: 'CARD_NUMBER_NOT_ALLOWED', localised: PAN_IN_FILE });
        return;
      }
      if (!isStorableText(raw)) {
        problems.push({ column: name, code: 'VALUE_UNSTORABLE', localised: reasonOf('VALUE_UNSTORABLE') });
        return;
      }
      const text = raw.trim();
      if (text.length > c.maxLength) {
        problems.push({ column: name, code: 'VALUE_TOO_LONG', localised: reasonOf('VALUE_TOO_LONG') });
        return;
      }
      if (text === '' && c.required) {
        problems.push({ column: name, code: 'VALUE_REQUIRED', localised: reasonOf('VALUE_REQUIRED') });
        return;
      }
      value.set(name, text);
    });
    const at = (name: string) => value.get(name) ?? '';
    const reference = at('bank_reference');
    if (reference && !REFERENCE.test(reference)) {
      problems.push({
        column: 'bank_reference',
        code: 'BANK_REFERENCE_INVALID',
        localised: reasonOf('BANK_REFERENCE_INVALID'),
      });
    }
    const email = at('titular_email');
    if (email && !EMAIL.test(email)) {
      problems.push({ column: 'titular_email', code: 'EMAIL_INVALID', localised: reasonOf('EMAIL_INVALID') });
    }
    const beneficiaries: BankSaleInput['beneficiaries'] = [];
    for (const n of this.groups) {
      const [kindColumn, nameColumn, birthColumn, last4Column] = beneficiaryColumns(n).map((c) => c.name) as [
        string,
        string,
        string,
        string,
      ];
      const kind = at(kindColumn);
      const filled = [kindColumn, nameColumn, birthColumn, last4Column].some((name) => at(name) !== '');
      if (!filled) continue;
      if (!kind) {
        problems.push({ column: kindColumn, code: 'VALUE_REQUIRED', localised: reasonOf('VALUE_REQUIRED') });
      } else if (!KINDS.has(kind)) {
        problems.push({
          column: kindColumn,
          code: 'BENEFICIARY_KIND_INVALID',
          localised: reasonOf('BENEFICIARY_KIND_INVALID'),
        });
      }
      if (!at(nameColumn)) {
        problems.push({ column: nameColumn, code: 'VALUE_REQUIRED', localised: reasonOf('VALUE_REQUIRED') });
      }
      beneficiaries.push({
        kind: kind as BankSaleInput['beneficiaries'][number]['kind'],
        fullName: at(nameColumn),
        birthDate: at(birthColumn) || undefined,
        cardLast4: at(last4Column) || undefined,
      });
    }
    if (problems.length > 0) return { problems };
    return {
      sale: {
        reference,
        planCode: at('plan_code'),
        titular: {
          fullName: at('titular_full_name'),
          email: at('titular_email'),
          phone: at('titular_phone'),
          birthDate: at('titular_birth_date'),
          rfc: at('titular_rfc') || undefined,
          curp: at('titular_curp') || undefined,
        },
        cardToken: at('card_token'),
        consent: { termsVersion: at('terms_version'), privacyNoticeVersion: at('privacy_notice_version') },
        contractedOn: at('contracted_on'),
        beneficiaries,
      },
    };
  }

  /** The row's reference as the report may show it: only a well-formed one, never another value. */
  referenceOf(fields: readonly string[]): string | null {
    const i = this.names.indexOf('bank_reference');
    const text = (fields[i] ?? '').trim();
    return text.length <= 64 && REFERENCE.test(text) && findCardNumbers(text).length === 0 ? text : null;
  }
}

/** The row problem a malformed record gets. */
export const MALFORMED_ROW: RowProblem = {
  column: '',
  code: 'ROW_MALFORMED',
  localised: reasonOf('ROW_MALFORMED'),
};
