import { Type } from '@sinclair/typebox';
import { Nullable } from '../../platform/schemas.ts';

const Id = Type.String({ format: 'uuid' });
const Instant = Type.String({ format: 'date-time' });

export const InvoiceParams = Type.Object({ id: Id });

/** The customer's fiscal data (Receptor) as the SAT's certificate of tax status shows it. */
export const FiscalDataBody = Type.Object(
  {
    rfc: Type.String({ minLength: 1, maxLength: 20, examples: ['GODE561231GR8'] }),
    name: Type.String({
      minLength: 1,
      maxLength: 300,
      description: 'Exactly as on the certificate of tax status',
    }),
    fiscalRegime: Type.String({ minLength: 1, maxLength: 5, examples: ['605'] }),
    postalCode: Type.String({ minLength: 1, maxLength: 10, examples: ['06600'] }),
    cfdiUse: Type.String({ minLength: 1, maxLength: 5, examples: ['S01'] }),
  },
  { additionalProperties: false },
);

export const FiscalDataView = Type.Object({ data: Nullable(FiscalDataBody) });

export const CancellationBody = Type.Object(
  {
    reason: Type.Union([Type.Literal('01'), Type.Literal('02'), Type.Literal('03'), Type.Literal('04')], {
      description:
        "The SAT's reason: 01 with errors (with substitute), 02 with errors, 03 not carried out, 04 nominative in a global invoice",
    }),
    substituteUuid: Type.Optional(Type.String({ format: 'uuid', description: 'Required with reason 01' })),
  },
  { additionalProperties: false },
);

export const GlobalInvoiceBody = Type.Object(
  {
    period: Type.Optional(
      Type.String({
        pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
        description: 'YYYY-MM; default the month before now',
      }),
    ),
  },
  { additionalProperties: false },
);

const Status = Type.Union(
  [
    Type.Literal('draft'),
    Type.Literal('stamped'),
    Type.Literal('cancelling'),
    Type.Literal('cancelled'),
    Type.Literal('rejected'),
  ],
  {
    description:
      'draft (numbered, sealed, not yet stamped), stamped, cancelling (a cancellation or substitution claimed it; the PAC has not answered yet), cancelled, rejected (by the PAC)',
  },
);

/** The other end of a substitution (CfdiRelacionados 04) and its state now. */
const SubstitutionLink = Type.Object({
  id: Id,
  series: Type.String(),
  folio: Type.Integer(),
  uuid: Nullable(Type.String()),
  status: Status,
});

export const InvoiceView = Type.Object({
  id: Id,
  type: Type.Union([Type.Literal('I'), Type.Literal('E')]),
  kind: Type.Union([Type.Literal('invoice'), Type.Literal('global'), Type.Literal('credit_note')]),
  series: Type.String(),
  folio: Type.Integer(),
  status: Status,
  uuid: Nullable(Type.String()),
  membershipId: Nullable(Id),
  chargeIds: Type.Array(Id),
  refundId: Nullable(Id),
  period: Nullable(Type.String()),
  receiver: Type.Object({
    rfc: Type.String(),
    name: Type.String(),
    fiscalRegime: Type.String(),
    postalCode: Type.String(),
    cfdiUse: Type.String(),
  }),
  baseCentavos: Type.Integer(),
  ivaCentavos: Type.Integer(),
  totalCentavos: Type.Integer(),
  paymentForm: Type.String(),
  relatedInvoiceId: Nullable(Id),
  relatedUuid: Nullable(Type.String()),
  demo: Type.Boolean({
    description: 'Sealed with the SAT test CSD or stamped by the sandbox PAC: no fiscal validity',
  }),
  notice: Nullable(Type.String()),
  pac: Type.String(),
  cancellation: Nullable(
    Type.Object({ reason: Type.String(), substituteUuid: Nullable(Type.String()), cancelledAt: Instant }),
  ),
  /** The document this one substitutes (CfdiRelacionados TipoRelacion 04). */
  substitutes: Nullable(SubstitutionLink),
  /** The document that substitutes this one (cancelled with reason 01 once that one is stamped). */
  substitutedBy: Nullable(SubstitutionLink),
  createdAt: Instant,
  stampedAt: Nullable(Instant),
  links: Type.Object({ self: Type.String(), xml: Nullable(Type.String()), pdf: Nullable(Type.String()) }),
});

/** The invoice request: the five fields, or none (`{}`) to use the stored data. */
export const InvoiceRequestBody = Type.Partial(FiscalDataBody, { additionalProperties: false });

/** A substitution's fiscal data: the five fields, or none (`{}` or no body) for the stored data. */
export const SubstitutionBody = InvoiceRequestBody;
