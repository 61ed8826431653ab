import type { Static } from '@sinclair/typebox';
import { useQuery } from '@tanstack/react-query';
import type { PostalCodeInfoSchema } from '../../domains/places/schemas.ts';
import { ApiProblem, api } from '../api.ts';
import { Field } from '../ui/Field.tsx';

export type PostalCodeInfo = Static<typeof PostalCodeInfoSchema>;

/** An address as the forms hold it: postal code first, then its colonia, then street and number. */
export interface AddressParts {
  postalCode: string;
  colonia: string;
  street: string;
  number: string;
}

export const EMPTY_ADDRESS: AddressParts = { postalCode: '', colonia: '', street: '', number: '' };

/** The words each app gives the fields (from its own catalogue). */
export interface AddressWords {
  postalCode: string;
  postalCodeHint: string;
  postalCodeUnknown: string;
  colonia: string;
  coloniaPick: string;
  street: string;
  number: string;
  /** "ubicación aproximada: C.P. {postalCode}" once the code is known. */
  approxPostalCode: (postalCode: string) => string;
  /** "ubicación aproximada: municipio de {municipality}" when the code's point is the municipality's. */
  approxMunicipality: (municipality: string) => string;
  /** "{municipality}, {state}" under the postal code. */
  where: (info: PostalCodeInfo) => string;
  /** "Códigos postales: GeoNames (geonames.org), CC BY 4.0" in the page's language. */
  attribution: string;
  /** "Colonias de Monterrey: CONAPO (datos.gob.mx), Libre Uso MX" in the page's language. */
  coloniaAttribution: string;
}

/** CONAPO's colonia data, whose polygons give the Monterrey area's points (docs/places-data.md). */
const CONAPO_COLONIAS =
  'https://datos.gob.mx/busca/dataset/indice-de-marginacion-carencias-poblacionales-por-localidad-municipio-y-entidad';

/** The postal code's facts once it has five digits (GET /v1/places/postal-codes/{cp}); null: no such code. */
export function usePostalCode(postalCode: string, lang: string) {
  const code = postalCode.trim();
  return useQuery({
    queryKey: ['places', 'postal-code', code],
    enabled: /^\d{5}$/.test(code),
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async () => {
      try {
        return await api<PostalCodeInfo>('GET', `/v1/places/postal-codes/${code}`, { lang });
      } catch (error) {
        if (error instanceof ApiProblem && error.status === 404) return null;
        throw error;
      }
    },
  });
}

/**
 * The agent's and the customer's address entry: the postal code first, then the colonia picked
 * from the code's list, then street and number; under them how precise the answer will be
 * ("ubicación aproximada: C.P. 03940") and the data's attribution (docs/places-data.md: CC BY
 * requires it where the bundled points choose a provider).
 */
export function AddressFields({
  value,
  onChange,
  lang,
  words,
  errorAt = () => undefined,
  rowClassName,
}: {
  value: AddressParts;
  onChange: (next: AddressParts) => void;
  lang: string;
  words: AddressWords;
  /** The API's problem at a field path (`place/postalCode`…), as the form reads it. */
  errorAt?: (path: string) => string | undefined;
  rowClassName: string;
}) {
  const info = usePostalCode(value.postalCode, lang);
  const known = info.data ?? undefined;
  const unknown = info.data === null;
  const errors = {
    postalCode: errorAt('place/postalCode'),
    colonia: errorAt('place/colonia'),
    street: errorAt('place/street'),
    number: errorAt('place/number'),
  };
  const set = (key: keyof AddressParts, text: string) => onChange({ ...value, [key]: text });
  return (
    <>
      <div className={rowClassName}>
        <Field
          label={words.postalCode}
          hint={known ? words.where(known) : words.postalCodeHint}
          error={errors.postalCode ?? (unknown ? words.postalCodeUnknown : undefined)}
        >
          <input
            type="text"
            inputMode="numeric"
            autoComplete="postal-code"
            maxLength={5}
            value={value.postalCode}
            onChange={(e) =>
              onChange({ ...value, postalCode: e.target.value.replace(/\D/g, '').slice(0, 5), colonia: '' })
            }
          />
        </Field>
        <Field label={words.colonia} error={errors.colonia}>
          <select value={value.colonia} disabled={!known} onChange={(e) => set('colonia', e.target.value)}>
            <option value="">{words.coloniaPick}</option>
            {known?.colonias.map((c) => (
              <option key={c.name} value={c.name}>
                {c.type ? `${c.name} (${c.type})` : c.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className={rowClassName}>
        <Field label={words.street} error={errors.street}>
          <input
            type="text"
            autoComplete="address-line1"
            maxLength={120}
            value={value.street}
            onChange={(e) => set('street', e.target.value)}
          />
        </Field>
        <Field label={words.number} error={errors.number}>
          <input
            type="text"
            maxLength={20}
            value={value.number}
            onChange={(e) => set('number', e.target.value)}
          />
        </Field>
      </div>
      {known && (
        <p className="address-precision" role="status" data-testid="address-precision">
          {known.precision === 'postal_code'
            ? words.approxPostalCode(known.postalCode)
            : words.approxMunicipality(known.municipality)}
        </p>
      )}
      <p className="address-attribution">
        <a href="https://www.geonames.org" target="_blank" rel="noreferrer">
          {words.attribution}
        </a>
        {' · '}
        <a href={CONAPO_COLONIAS} target="_blank" rel="noreferrer">
          {words.coloniaAttribution}
        </a>
      </p>
    </>
  );
}

/** The place of a request from the address parts (the server places it), or undefined when they are not enough. */
export function addressPlace(
  parts: AddressParts,
  extra: { address?: string; stateCode?: string },
): Record<string, unknown> | undefined {
  const postalCode = parts.postalCode.trim();
  const address = extra.address?.trim() ?? '';
  if (!/^\d{5}$/.test(postalCode) && address.length < 3) return undefined;
  const place: Record<string, unknown> = {};
  if (/^\d{5}$/.test(postalCode)) place.postalCode = postalCode;
  if (parts.colonia.trim()) place.colonia = parts.colonia.trim();
  if (parts.street.trim()) place.street = parts.street.trim();
  if (parts.number.trim()) place.number = parts.number.trim();
  if (address.length >= 3) place.address = address;
  if (extra.stateCode) place.stateCode = extra.stateCode;
  return place;
}
