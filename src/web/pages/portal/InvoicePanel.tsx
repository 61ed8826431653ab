import type { Static } from '@sinclair/typebox';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { InvoiceView } from '../../../domains/invoicing/schemas.ts';
import { api, getJson } from '../../api.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import {
  EMPTY_FISCAL_DATA,
  type FiscalData,
  FiscalDataFields,
  fiscalProblemAtFields,
} from '../../members/FiscalDataFields.tsx';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/Field.tsx';
import { problemDetail } from './portal-data.ts';

type Invoice = Static<typeof InvoiceView>;

/**
 * The charge's CFDI on the receipt: the stamped invoice (or the global one's credit notes) with
 * its XML to download, or "Solicitar factura": the fiscal data form, prefilled with the data kept
 * on the membership, whose field errors are the API's.
 */
export function InvoicePanel({ membershipId, chargeId }: { membershipId: string; chargeId: string }) {
  const { t, lang } = useI18n();
  const invoices = useQuery({
    queryKey: ['invoices', membershipId],
    queryFn: () => getJson<{ data: Invoice[] }>(`/v1/memberships/${membershipId}/invoices`, lang),
    // The documents holding the charge, and those they substitute (cancelled, holding nothing).
    select: (answer) => {
      const own = answer.data.filter((i) => i.chargeIds.includes(chargeId) && i.status !== 'rejected');
      return [...own, ...answer.data.filter((i) => own.some((o) => o.substitutes?.id === i.id))];
    },
  });
  if (invoices.isPending) return <p>{t('portal.invoice.loading')}</p>;
  if (invoices.isError) return <FormError message={problemDetail(invoices.error, t)} />;
  const invoice = invoices.data.find((i) => i.kind === 'invoice' && i.status !== 'cancelled');
  const replaced = invoices.data.filter(
    (i) => i.kind === 'invoice' && i.substitutedBy && i.id !== invoice?.id,
  );
  return (
    <section aria-labelledby="invoice-heading" data-testid="invoice-panel" className="no-print">
      <h2 id="invoice-heading">{t('portal.invoice.heading')}</h2>
      {invoice ? (
        <InvoiceLinks invoice={invoice} />
      ) : (
        <InvoiceRequest membershipId={membershipId} chargeId={chargeId} />
      )}
      {replaced.map((old) => (
        <p key={old.id} className="field-hint" data-testid="invoice-substituted">
          {t('portal.invoice.substitutedBy', {
            series: old.series,
            folio: String(old.folio),
            uuid: old.uuid ?? '',
            by: `${old.substitutedBy?.series}-${old.substitutedBy?.folio}`,
          })}
        </p>
      ))}
    </section>
  );
}

function InvoiceLinks({ invoice }: { invoice: Invoice }) {
  const { t } = useI18n();
  return (
    <>
      <p>
        {t('portal.invoice.stamped', {
          series: invoice.series,
          folio: String(invoice.folio),
          uuid: invoice.uuid ?? '',
        })}
      </p>
      {invoice.substitutes && (
        <p data-testid="invoice-substitutes">
          {t('portal.invoice.substitutes', {
            series: invoice.substitutes.series,
            folio: String(invoice.substitutes.folio),
            uuid: invoice.substitutes.uuid ?? '',
          })}
        </p>
      )}
      {invoice.demo && <p className="field-hint">{t('portal.invoice.demo')}</p>}
      {invoice.links.xml && (
        <a href={invoice.links.xml} download data-testid="invoice-xml">
          {t('portal.invoice.downloadXml')}
        </a>
      )}{' '}
      {invoice.links.pdf && (
        <a href={invoice.links.pdf} download data-testid="invoice-pdf">
          {t('portal.invoice.downloadPdf')}
        </a>
      )}
    </>
  );
}

function InvoiceRequest({ membershipId, chargeId }: { membershipId: string; chargeId: string }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const stored = useQuery({
    queryKey: ['fiscal-data', membershipId],
    queryFn: () => getJson<{ data: FiscalData | null }>(`/v1/memberships/${membershipId}/fiscal-data`, lang),
  });
  const [edited, setEdited] = useState<Partial<FiscalData>>({});
  const [problem, setProblem] = useState<unknown>();
  const [sending, setSending] = useState(false);
  const data: FiscalData = { ...EMPTY_FISCAL_DATA, ...(stored.data?.data ?? {}), ...edited };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSending(true);
    setProblem(undefined);
    try {
      await api<Invoice>('POST', `/v1/charges/${chargeId}/invoice`, { lang, body: data });
      await queryClient.invalidateQueries({ queryKey: ['invoices', membershipId] });
    } catch (error) {
      setProblem(error);
    } finally {
      setSending(false);
    }
  }

  const general = problem && !fiscalProblemAtFields(problem) ? problemDetail(problem, t) : undefined;
  return (
    <form onSubmit={submit} noValidate data-testid="invoice-form">
      <p>{t('portal.invoice.intro')}</p>
      <FormError message={general} />
      <FiscalDataFields
        data={data}
        onChange={(name, value) => setEdited((before) => ({ ...before, [name]: value }))}
        label={(name) => t(`portal.invoice.field.${name}`)}
        hint={(name) => t(`portal.invoice.hint.${name}`)}
        problem={problem}
      />
      <Button type="submit" disabled={sending}>
        {sending ? t('portal.invoice.sending') : t('portal.invoice.request')}
      </Button>
    </form>
  );
}
