import type { Static } from '@sinclair/typebox';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { InvoiceView } from '../../../domains/invoicing/schemas.ts';
import { api, getJson } from '../../api.ts';
import { useStaffI18n } from '../../staff/i18n.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/Field.tsx';
import { type Charge, useProblemText } from '../queues/data.ts';

type Invoice = Static<typeof InvoiceView>;

/**
 * A paid charge's CFDI in finance's receipt: the invoice or global invoice holding it and its
 * credit notes, each with its XML, or "Facturar" with the fiscal data kept on the membership (the
 * API says what is missing or wrong).
 */
export function ChargeInvoice({ charge }: { charge: Charge }) {
  const { t, tOr, lang } = useStaffI18n();
  const problemText = useProblemText();
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string>();
  const [sending, setSending] = useState(false);
  const key = ['invoices', charge.membershipId];
  const invoices = useQuery({
    queryKey: key,
    queryFn: () => getJson<{ data: Invoice[] }>(`/v1/memberships/${charge.membershipId}/invoices`, lang),
    select: (answer) => answer.data,
  });
  if (charge.status !== 'succeeded' || !invoices.data) return null;
  const holding = invoices.data.filter((i) => i.chargeIds.includes(charge.id));
  // Those it substitutes too (cancelled with reason 01, they hold nothing any more).
  const own = [...holding, ...invoices.data.filter((i) => holding.some((h) => h.substitutes?.id === i.id))];
  const live = own.find((i) => i.status === 'stamped' || i.status === 'draft' || i.status === 'cancelling');
  const notes = invoices.data.filter(
    (i) => i.kind === 'credit_note' && live && i.relatedInvoiceId === live.id,
  );

  async function issue() {
    setSending(true);
    setProblem(undefined);
    try {
      await api('POST', `/v1/charges/${charge.id}/invoice`, { lang, body: {} });
      await queryClient.invalidateQueries({ queryKey: key });
    } catch (error) {
      setProblem(problemText(error));
    } finally {
      setSending(false);
    }
  }

  return (
    <section aria-label={t('queues.charges.invoice.heading')} data-testid="charge-invoice">
      <h3>{t('queues.charges.invoice.heading')}</h3>
      {[...own, ...notes].map((doc) => {
        const name = `${doc.series}-${doc.folio}`;
        return (
          <p key={doc.id} data-testid="charge-invoice-document">
            {t('queues.charges.invoice.document', {
              kind: tOr(`queues.charges.invoice.kind.${doc.kind}`, doc.kind),
              series: doc.series,
              folio: String(doc.folio),
              status: tOr(`queues.charges.invoice.status.${doc.status}`, doc.status),
              uuid: doc.uuid ?? '—',
            })}
            {doc.demo && ` · ${t('queues.charges.invoice.demo')}`}
            {doc.substitutes &&
              ` · ${t('queues.charges.invoice.substitutes', { name: `${doc.substitutes.series}-${doc.substitutes.folio}` })}`}
            {doc.substitutedBy &&
              ` · ${t('queues.charges.invoice.substitutedBy', { name: `${doc.substitutedBy.series}-${doc.substitutedBy.folio}` })}`}{' '}
            {doc.links.xml && (
              <a href={doc.links.xml} download aria-label={t('queues.charges.invoice.xml.aria', { name })}>
                {t('queues.charges.invoice.xml')}
              </a>
            )}{' '}
            {doc.links.pdf && (
              <a href={doc.links.pdf} download aria-label={t('queues.charges.invoice.pdf.aria', { name })}>
                {t('queues.charges.invoice.pdf')}
              </a>
            )}
          </p>
        );
      })}
      {!live && (
        <>
          <FormError message={problem} />
          <Button onClick={() => void issue()} disabled={sending}>
            {t('queues.charges.invoice.issue')}
          </Button>
        </>
      )}
    </section>
  );
}
