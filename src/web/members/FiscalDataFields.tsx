import type { Static } from '@sinclair/typebox';
import type { FiscalDataBody } from '../../domains/invoicing/schemas.ts';
import { ApiProblem } from '../api.ts';
import { Field } from '../ui/Field.tsx';

export type FiscalData = Static<typeof FiscalDataBody>;

/** The Receptor's five fields, in the order of the certificate of tax status. */
export const FISCAL_FIELDS = ['rfc', 'name', 'fiscalRegime', 'postalCode', 'cfdiUse'] as const;
export type FiscalField = (typeof FISCAL_FIELDS)[number];
export const EMPTY_FISCAL_DATA: FiscalData = {
  rfc: '',
  name: '',
  fiscalRegime: '',
  postalCode: '',
  cfdiUse: '',
};

/** The API's message for a field of a refused request (FISCAL_DATA_INVALID names each one). */
export function fiscalFieldError(problem: unknown, name: FiscalField): string | undefined {
  return problem instanceof ApiProblem ? problem.fieldMessage(name) : undefined;
}

/** Whether a refused request's problem is said at its fields (else it is shown as a whole). */
export function fiscalProblemAtFields(problem: unknown): boolean {
  return problem instanceof ApiProblem && problem.fields.length > 0;
}

/**
 * The titular's fiscal data as form fields, shared by the portal's invoice request and the
 * console's member page. The rules (RFC check digit, regime and CFDI use together) are the API's:
 * its field errors are shown under each field, in the caller's language.
 */
export function FiscalDataFields({
  data,
  onChange,
  label,
  hint,
  problem,
}: {
  data: FiscalData;
  onChange: (name: FiscalField, value: string) => void;
  label: (name: FiscalField) => string;
  hint: (name: FiscalField) => string;
  problem: unknown;
}) {
  return (
    <>
      {FISCAL_FIELDS.map((name) => (
        <Field key={name} label={label(name)} hint={hint(name)} error={fiscalFieldError(problem, name)}>
          <input
            name={name}
            value={data[name]}
            autoComplete="off"
            onChange={(e) => onChange(name, e.target.value)}
          />
        </Field>
      ))}
    </>
  );
}
