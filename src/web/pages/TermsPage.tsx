import type { Static } from '@sinclair/typebox';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link } from 'react-router';
import type { LegalView } from '../../domains/members/schemas.ts';
import { getJson, type PlanView } from '../api.ts';
import { formatMoney, PHONE } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';

const SECTIONS: { heading: MessageKey; body: MessageKey[] }[] = [
  { heading: 'tyc.program.heading', body: ['tyc.program.body'] },
  { heading: 'tyc.who.heading', body: ['tyc.who.body'] },
  { heading: 'tyc.services.heading', body: ['tyc.services.body', 'tyc.tow.body', 'tyc.use.body'] },
  { heading: 'tyc.charges.heading', body: ['tyc.charges.body'] },
  { heading: 'tyc.cancel.heading', body: ['tyc.cancel.body', 'tyc.refund.body'] },
  { heading: 'tyc.complaints.heading', body: ['tyc.complaints.body'] },
];

/**
 * `/terminos`: our own Terms and Conditions (the program's public page, SPEC.md), with the version
 * people accept when contracting (GET /v1/legal) — the page the contracting step links to.
 */
export default function TermsPage() {
  const { t, lang } = useI18n();
  const legal = useQuery({
    queryKey: ['legal'],
    queryFn: () => getJson<Static<typeof LegalView>>('/v1/legal', lang),
  });
  // The tow's cap as the catalog has it (the plans on sale), not a number copied here.
  const plans = useQuery({
    queryKey: ['plans'],
    queryFn: () => getJson<{ data: PlanView[] }>('/v1/plans', lang),
    select: (answer) => answer.data,
  });
  const cap = plans.data
    ?.flatMap((p) => p.services)
    .map((s) => s.rules.perEvent)
    .find((rule) => rule.kind === 'amount_cap');
  useEffect(() => {
    document.title = `${t('tyc.heading')} · ${t('site.title')}`;
  }, [t]);
  return (
    <article className="narrow" aria-labelledby="terms-page-heading">
      <h1 id="terms-page-heading">{t('tyc.heading')}</h1>
      {legal.data && (
        <p className="muted" data-testid="terms-version">
          {t('tyc.version', { version: legal.data.terms.version })}
        </p>
      )}
      <p>{t('tyc.intro')}</p>
      {SECTIONS.map((section) => (
        <section key={section.heading}>
          <h2>{t(section.heading)}</h2>
          {section.body
            .filter((key) => key !== 'tyc.tow.body' || cap)
            .map((key) => (
              <p key={key}>
                {t(key, {
                  phone: PHONE.display,
                  cap: cap?.kind === 'amount_cap' ? formatMoney(cap.capCentavos) : '',
                })}
              </p>
            ))}
        </section>
      ))}
      <p>
        {t('tyc.privacy.body')} <Link to="/aviso-de-privacidad">{t('tyc.privacy.link')}</Link>
      </p>
    </article>
  );
}
