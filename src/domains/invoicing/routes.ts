import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../lib/errors.ts';
import { actorOf } from '../../platform/auth.ts';
import { problemResponses } from '../../platform/openapi.ts';
import { ChargeParams } from '../billing/schemas.ts';
import { MembershipParams } from '../members/schemas.ts';
import type { FiscalData } from './cfdi/index.ts';
import {
  CancellationBody,
  FiscalDataBody,
  FiscalDataView,
  GlobalInvoiceBody,
  InvoiceParams,
  InvoiceRequestBody,
  InvoiceView,
  SubstitutionBody,
} from './schemas.ts';
import type { InvoicingService } from './service.ts';

/** Who may ask for a charge's invoice: the charge's customer, agents, finance and the bank (its channel). */
const INVOICE_REQUESTERS = ['customer', 'agent', 'finance', 'scope:memberships:write'] as const;
const INVOICE_READERS = [
  'customer',
  'agent',
  'supervisor',
  'finance',
  'admin',
  'scope:memberships:read',
] as const;
const FISCAL_EDITORS = ['customer', 'agent', 'supervisor', 'finance', 'scope:memberships:write'] as const;
const FINANCE = ['finance'] as const;
/** Who may substitute an invoice: those on staff who may invoice a charge (a global invoice: finance only). */
const SUBSTITUTERS = ['agent', 'finance'] as const;

const FIELDS = ['rfc', 'name', 'fiscalRegime', 'postalCode', 'cfdiUse'] as const;

/** All five fields, none (stored data), or a field error for each one missing. */
function requestedData(body: Partial<FiscalData> | undefined): FiscalData | undefined {
  const given = FIELDS.filter((f) => body?.[f] !== undefined);
  if (given.length === 0) return undefined;
  const missing = FIELDS.filter((f) => body?.[f] === undefined);
  if (missing.length > 0) {
    throw new AppError('FISCAL_DATA_INVALID', {
      errors: missing.map((f) => ({
        field: `body/${f}`,
        message: 'is required with the other fiscal data',
        localised: { es: 'Este dato es obligatorio.', en: 'This field is required.' },
      })),
    });
  }
  return body as FiscalData;
}

export const invoicingRoutes: FastifyPluginAsyncTypebox<{ invoicing: InvoicingService }> = async (
  app,
  { invoicing },
) => {
  app.post(
    '/v1/charges/:id/invoice',
    {
      config: { policy: { allow: INVOICE_REQUESTERS, record: 'charge' } },
      schema: {
        tags: ['invoicing'],
        summary:
          'The CFDI invoice of a paid charge, stamped (once per charge: asking again answers the same invoice)',
        params: ChargeParams,
        body: InvoiceRequestBody,
        response: {
          200: InvoiceView,
          201: InvoiceView,
          ...problemResponses(400, 401, 403, 404, 409, 422, 428, 503),
        },
      },
    },
    async (request, reply) => {
      const result = await invoicing.invoiceCharge(
        actorOf(request),
        request.params.id,
        requestedData(request.body),
      );
      return reply.status(result.created ? 201 : 200).send(result.invoice);
    },
  );

  app.get(
    '/v1/invoices/:id',
    {
      config: { policy: { allow: INVOICE_READERS, record: 'invoice' } },
      schema: {
        tags: ['invoicing'],
        summary: 'An invoice, global invoice or credit note (JSON)',
        params: InvoiceParams,
        response: { 200: InvoiceView, ...problemResponses(401, 403, 404, 428) },
      },
    },
    async (request) => invoicing.invoice(actorOf(request), request.params.id),
  );

  app.get(
    '/v1/invoices/:id/xml',
    {
      config: { policy: { allow: INVOICE_READERS, record: 'invoice' } },
      schema: {
        tags: ['invoicing'],
        summary: 'The stamped CFDI XML of an invoice or credit note',
        params: InvoiceParams,
        produces: ['application/xml'],
        response: { 200: Type.String(), ...problemResponses(401, 403, 404, 428) },
      },
    },
    async (request, reply) => {
      const { xml, fileName } = await invoicing.xml(actorOf(request), request.params.id);
      return reply
        .type('application/xml; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .send(xml);
    },
  );

  app.get(
    '/v1/invoices/:id/pdf',
    {
      config: { policy: { allow: INVOICE_READERS, record: 'invoice' } },
      schema: {
        tags: ['invoicing'],
        summary:
          "The printed representation of the stamped CFDI (PDF: QR with the SAT's verification data, the stamp's original string, the amount in words)",
        params: InvoiceParams,
        produces: ['application/pdf'],
        response: {
          200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }),
          ...problemResponses(401, 403, 404, 428),
        },
      },
    },
    async (request, reply) => {
      const { pdf, fileName } = await invoicing.pdf(actorOf(request), request.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .send(pdf);
    },
  );

  app.get(
    '/v1/charges/:id/receipt.pdf',
    {
      config: { policy: { allow: INVOICE_READERS, record: 'charge' } },
      schema: {
        tags: ['invoicing'],
        summary:
          'The payment receipt of a paid charge as a PDF, invoiced or not (base, IVA, total, card, refunds, the invoice if any; not a CFDI)',
        params: ChargeParams,
        produces: ['application/pdf'],
        response: {
          200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }),
          ...problemResponses(401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { pdf, fileName } = await invoicing.receipts.download(actorOf(request), request.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .send(pdf);
    },
  );

  app.post(
    '/v1/invoices/:id/cancellation',
    {
      config: { policy: { allow: FINANCE, record: 'invoice' } },
      schema: {
        tags: ['invoicing'],
        summary:
          "Cancel a stamped invoice or credit note with the SAT's reason (01 needs the substitute's UUID)",
        params: InvoiceParams,
        body: CancellationBody,
        response: { 200: InvoiceView, ...problemResponses(400, 401, 403, 404, 409, 422, 503) },
      },
    },
    async (request) => invoicing.cancel(actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/v1/invoices/:id/substitution',
    {
      config: { policy: { allow: SUBSTITUTERS, record: 'invoice' } },
      schema: {
        tags: ['invoicing'],
        summary:
          'Substitute a stamped invoice or global invoice: a new CFDI holding the same charges, related with TipoRelacion 04, stamped; then the original cancelled with reason 01 and the new UUID (asking again resumes the same substitute)',
        params: InvoiceParams,
        body: SubstitutionBody,
        response: {
          200: InvoiceView,
          201: InvoiceView,
          ...problemResponses(400, 401, 403, 404, 409, 422, 428, 503),
        },
      },
    },
    async (request, reply) => {
      const result = await invoicing.substitute(
        actorOf(request),
        request.params.id,
        requestedData(request.body),
      );
      return reply.status(result.created ? 201 : 200).send(result.invoice);
    },
  );

  app.post(
    '/v1/invoices/global',
    {
      config: { policy: { allow: FINANCE, record: 'invoice' } },
      schema: {
        tags: ['invoicing'],
        summary:
          'Issue a month’s global invoice of the paid charges nobody invoiced (once per month; the job does it on the 1st)',
        body: GlobalInvoiceBody,
        response: {
          200: Type.Object({ invoice: Type.Union([InvoiceView, Type.Null()]) }),
          201: Type.Object({ invoice: InvoiceView }),
          ...problemResponses(400, 401, 403, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const result = await invoicing.global.issue(actorOf(request), request.body.period);
      if (!result) return reply.status(200).send({ invoice: null });
      const invoice = await invoicing.invoice(actorOf(request), result.invoice.id);
      return reply.status(result.created ? 201 : 200).send({ invoice });
    },
  );

  app.get(
    '/v1/memberships/:id/invoices',
    {
      config: { policy: { allow: INVOICE_READERS, record: 'membership' } },
      schema: {
        tags: ['invoicing'],
        summary: 'A membership’s invoices and credit notes, newest first',
        params: MembershipParams,
        response: {
          200: Type.Object({ data: Type.Array(InvoiceView) }),
          ...problemResponses(401, 403, 404, 428),
        },
      },
    },
    async (request) => ({ data: await invoicing.ofMembership(actorOf(request), request.params.id) }),
  );

  app.get(
    '/v1/memberships/:id/fiscal-data',
    {
      config: { policy: { allow: INVOICE_READERS, record: 'membership' } },
      schema: {
        tags: ['invoicing'],
        summary: 'The titular’s fiscal data for invoices (null until entered)',
        params: MembershipParams,
        response: { 200: FiscalDataView, ...problemResponses(401, 403, 404, 428) },
      },
    },
    async (request) => ({ data: await invoicing.fiscalData(actorOf(request), request.params.id) }),
  );

  app.put(
    '/v1/memberships/:id/fiscal-data',
    {
      config: { policy: { allow: FISCAL_EDITORS, record: 'membership' } },
      schema: {
        tags: ['invoicing'],
        summary:
          'Set the titular’s fiscal data (RFC with its check digit, a regime and CFDI use the SAT allows together)',
        params: MembershipParams,
        body: FiscalDataBody,
        response: { 200: FiscalDataView, ...problemResponses(400, 401, 403, 404, 422, 428) },
      },
    },
    async (request) => ({
      data: await invoicing.saveFiscalData(actorOf(request), request.params.id, request.body),
    }),
  );
};
