import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import { ApiProblem, type FieldProblem } from '../api.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { isMessageKey } from '../i18n/messages.ts';
import { Button } from './Button.tsx';
import { FormError } from './Field.tsx';

/** What the card form hands upward: the processor's token and what a person may see. Never the number. */
export interface TokenizedCard {
  token: string;
  brand: 'visa' | 'mastercard' | 'amex' | 'carnet' | 'unknown';
  type: 'credit' | 'debit';
  last4: string;
  expMonth: number;
  expYear: number;
}

/** The only address the card number is ever sent to (with a real processor: the processor's). */
const TOKENIZE_URL = '/v1/sandbox/card-tokens';

/**
 * Sends the card to the processor, as a processor's hosted field does: no session cookie, no CSRF
 * token, nothing of Libra's. Answers the token and the card's summary.
 */
async function tokenize(
  card: { number: string; expMonth?: number; expYear?: number; cvv: string },
  lang: string,
): Promise<TokenizedCard> {
  let response: Response;
  try {
    response = await fetch(TOKENIZE_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': lang },
      body: JSON.stringify(card),
      credentials: 'omit',
    });
  } catch {
    throw new ApiProblem(0, 'NETWORK', undefined);
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.ok) {
    const { token, brand, type, last4, expMonth, expYear } = body as unknown as TokenizedCard;
    return { token, brand, type, last4, expMonth, expYear };
  }
  throw new ApiProblem(
    response.status,
    typeof body.code === 'string' ? body.code : `HTTP_${response.status}`,
    typeof body.detail === 'string' ? body.detail : undefined,
    Array.isArray(body.errors) ? (body.errors as FieldProblem[]) : [],
    body,
  );
}

/** Which of the card's fields a processor's refusal is about (its code concerns one of them). */
const FIELD_OF_CODE: Record<string, 'number' | 'expiry' | 'cvv'> = {
  CARD_NUMBER_INVALID: 'number',
  CARD_DECLINED: 'number',
  CARD_EXPIRY_INVALID: 'expiry',
  CARD_EXPIRED: 'expiry',
  CARD_CVV_INVALID: 'cvv',
};

function messageAt(problem: ApiProblem | null, part: 'number' | 'expiry' | 'cvv'): string | undefined {
  if (!problem) return undefined;
  const fromSchema =
    part === 'expiry'
      ? (problem.fieldMessage('expMonth') ?? problem.fieldMessage('expYear'))
      : problem.fieldMessage(part);
  if (fromSchema) return fromSchema;
  return FIELD_OF_CODE[problem.code] === part ? problem.detail : undefined;
}

const MONTHS = Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(2, '0'));

/**
 * A card form in the manner of a processor's hosted fields: number, expiry and CVV live only here,
 * go only to the tokenization endpoint, and are dropped once the card is tokenized. The parent gets
 * the token, brand, type and last 4 (`onTokenized`) and nothing else. Refusals are shown at the
 * field they concern, in the API's words.
 */
export function CardField({
  onTokenized,
  submitLabel,
  secondary,
}: {
  onTokenized(card: TokenizedCard): void;
  submitLabel: string;
  /** Another action beside the submit button (e.g. back). */
  secondary?: ReactNode;
}) {
  const { t, lang } = useI18n();
  const id = useId();
  const [number, setNumber] = useState('');
  const [expMonth, setExpMonth] = useState('');
  const [expYear, setExpYear] = useState('');
  const [cvv, setCvv] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);
  const busy = useRef(false);
  const form = useRef<HTMLFormElement>(null);
  const thisYear = new Date().getFullYear();
  const years = Array.from({ length: 21 }, (_, i) => String(thisYear + i));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy.current) return;
    busy.current = true;
    setSending(true);
    setProblem(null);
    try {
      const card = await tokenize(
        {
          number,
          ...(expMonth ? { expMonth: Number(expMonth) } : {}),
          ...(expYear ? { expYear: Number(expYear) } : {}),
          cvv,
        },
        lang,
      );
      // The number and the security code are not kept once the processor has them.
      setNumber('');
      setCvv('');
      onTokenized(card);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
      // The first field at fault takes the focus (its message is read with it).
      requestAnimationFrame(() => form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
    } finally {
      busy.current = false;
      setSending(false);
    }
  }

  const numberError = messageAt(problem, 'number');
  const expiryError = messageAt(problem, 'expiry');
  const cvvError = messageAt(problem, 'cvv');
  const formError =
    problem && !numberError && !expiryError && !cvvError
      ? problem.status === 0
        ? t('state.error.network')
        : (problem.detail ?? t('state.error.network'))
      : undefined;
  const described = (hint: string | null, error: string | undefined, name: string) =>
    [hint ? `${id}-${name}-hint` : '', error ? `${id}-${name}-error` : ''].filter(Boolean).join(' ') ||
    undefined;

  return (
    <form ref={form} className="card-field" onSubmit={submit} noValidate>
      <FormError message={formError} />
      <fieldset>
        <legend>{t('cardField.legend')}</legend>
        <p className="card-field-secure">{t('cardField.secure')}</p>
        <div className="field">
          <label htmlFor={`${id}-number`}>{t('cardField.number')}</label>
          <span id={`${id}-number-hint`} className="field-hint">
            {t('cardField.number.hint')}
          </span>
          <input
            id={`${id}-number`}
            name="cardnumber"
            inputMode="numeric"
            autoComplete="cc-number"
            maxLength={23}
            value={number}
            onChange={(e) => setNumber(e.target.value.replace(/[^\d ]/g, ''))}
            aria-describedby={described('hint', numberError, 'number')}
            aria-invalid={numberError ? true : undefined}
          />
          {numberError && (
            <span id={`${id}-number-error`} className="field-error">
              {numberError}
            </span>
          )}
        </div>
        <fieldset
          className="field card-field-expiry"
          aria-describedby={expiryError ? `${id}-expiry-error` : undefined}
        >
          <legend>{t('cardField.expiry')}</legend>
          <div className="card-field-row">
            <div>
              <label htmlFor={`${id}-month`}>{t('cardField.month')}</label>
              <select
                id={`${id}-month`}
                autoComplete="cc-exp-month"
                value={expMonth}
                onChange={(e) => setExpMonth(e.target.value)}
                aria-describedby={expiryError ? `${id}-expiry-error` : undefined}
                aria-invalid={expiryError ? true : undefined}
              >
                <option value="">—</option>
                {MONTHS.map((m) => (
                  <option key={m} value={String(Number(m))}>
                    {m}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor={`${id}-year`}>{t('cardField.year')}</label>
              <select
                id={`${id}-year`}
                autoComplete="cc-exp-year"
                value={expYear}
                onChange={(e) => setExpYear(e.target.value)}
                aria-describedby={expiryError ? `${id}-expiry-error` : undefined}
                aria-invalid={expiryError ? true : undefined}
              >
                <option value="">—</option>
                {years.map((y) => (
                  <option key={y} value={y}>
                    {y}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {expiryError && (
            <span id={`${id}-expiry-error`} className="field-error">
              {expiryError}
            </span>
          )}
        </fieldset>
        <div className="field card-field-cvv">
          <label htmlFor={`${id}-cvv`}>{t('cardField.cvv')}</label>
          <span id={`${id}-cvv-hint`} className="field-hint">
            {t('cardField.cvv.hint')}
          </span>
          <input
            id={`${id}-cvv`}
            name="cvc"
            inputMode="numeric"
            autoComplete="cc-csc"
            maxLength={4}
            value={cvv}
            onChange={(e) => setCvv(e.target.value.replace(/\D/g, ''))}
            aria-describedby={described('hint', cvvError, 'cvv')}
            aria-invalid={cvvError ? true : undefined}
          />
          {cvvError && (
            <span id={`${id}-cvv-error`} className="field-error">
              {cvvError}
            </span>
          )}
        </div>
      </fieldset>
      <div className="actions">
        <Button type="submit" disabled={sending} aria-describedby={sending ? `${id}-checking` : undefined}>
          {submitLabel}
        </Button>
        {secondary}
      </div>
      {sending && (
        <p id={`${id}-checking`} className="muted" role="status">
          {t('cardField.checking')}
        </p>
      )}
    </form>
  );
}

/** "Visa de crédito terminada en 4242", how it is charged, and its expiry. */
export function CardSummary({
  card,
}: {
  card: { brand: string; type: string; last4: string; expMonth: number; expYear: number };
}) {
  const { t } = useI18n();
  const brandKey = `cardField.brand.${card.brand}`;
  const typeKey = `cardField.type.${card.type}`;
  const chargeKey = `cardField.charge.${card.type}`;
  return (
    <div className="card-summary">
      <p className="card-summary-name">
        {t('cardField.summary', {
          brand: isMessageKey(brandKey) ? t(brandKey) : card.brand,
          type: isMessageKey(typeKey) ? t(typeKey) : card.type,
          last4: card.last4,
        })}
      </p>
      {isMessageKey(chargeKey) && <p>{t(chargeKey)}</p>}
      <p className="muted">
        {t('cardField.expires', { month: String(card.expMonth).padStart(2, '0'), year: card.expYear })}
      </p>
    </div>
  );
}
