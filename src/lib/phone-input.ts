import { AppError, errorDefinition, type LocalisedText } from './errors.ts';
import { normaliseMexicanPhone } from './phone.ts';

/**
 * Phones at the door: every request that carries a phone (contracting, a contact change, a
 * rectification, a callback number, a provider's dispatch phone, a location link, an invitation)
 * reads it here — parsed by libphonenumber-js, stored in E.164 — or is refused with
 * PHONE_INVALID naming the field, in both languages, as a form shows it at that field.
 */

export function phoneInvalid(field: string): AppError {
  const definition = errorDefinition('PHONE_INVALID');
  const localised: LocalisedText = { es: definition?.es ?? '', en: definition?.en ?? '' };
  return new AppError('PHONE_INVALID', { errors: [{ field, message: localised.en, localised }] });
}

/** The phone typed at `field` (`body/phone`) in E.164, or PHONE_INVALID at that field. */
export function phoneAt(field: string, input: string): string {
  const phone = normaliseMexicanPhone(input);
  if (!phone) throw phoneInvalid(field);
  return phone;
}
