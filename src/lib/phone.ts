import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Phones, parsed, validated and shown with libphonenumber-js (Google's metadata) everywhere: the
 * contracting and contact forms, the server's inputs, the screens and the SMS outbox. Every phone
 * Libra keeps (a titular's, a provider's, a callback number) is Mexican and stored in its E.164
 * form (`+528187654321`), which is also where messages go; people read it in the national format
 * (`81 8765 4321`, `442 123 4567`). Shared with the web.
 */

const HOME: CountryCode = 'MX';

/** Before 2019 Mexican mobiles were dialled from abroad as +52 1 …: that 1 is gone. */
function withoutOldMobilePrefix(input: string): string {
  const compact = input.replace(/[\s().-]/g, '');
  const match = /^(\+52|0052)1(\d{10})$/.exec(compact);
  return match ? `+52${match[2]}` : compact.startsWith('0052') ? `+${compact.slice(2)}` : compact;
}

/** A Mexican phone as typed (`81 8765 4321`, `+52 1 81…`, `(333) 123-4567`) → its 10 digits, or null. */
export function parseMexicanPhone(input: string): string | null {
  if (!/^[\d\s().+-]+$/.test(input.trim())) return null;
  const parsed = parsePhoneNumberFromString(withoutOldMobilePrefix(input.trim()), HOME);
  if (!parsed || parsed.country !== HOME || !parsed.isValid()) return null;
  const national = String(parsed.nationalNumber);
  return /^[1-9]\d{9}$/.test(national) ? national : null;
}

/** A Mexican phone as typed → the E.164 form Libra stores (`+528187654321`), or null. */
export function normaliseMexicanPhone(input: string): string | null {
  const digits = parseMexicanPhone(input);
  return digits ? `+52${digits}` : null;
}

/** `81 8765 4321` for a Mexican number (stored digits or any typed form); other countries internationally. */
export function formatPhone(phone: string): string {
  const parsed = parsePhoneNumberFromString(withoutOldMobilePrefix(phone.trim()), HOME);
  if (!parsed) return phone;
  return parsed.country === HOME || (!parsed.country && parsed.countryCallingCode === '52')
    ? parsed.formatNational()
    : parsed.formatInternational();
}

/** The number as SMS and `tel:` links need it (`+528187654321`), or null when it is not a phone. */
export function toE164(phone: string): string | null {
  const parsed = parsePhoneNumberFromString(withoutOldMobilePrefix(phone.trim()), HOME);
  return parsed?.isValid() ? parsed.number : null;
}
