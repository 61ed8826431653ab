import type { Static } from '@sinclair/typebox';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link } from 'react-router';
import type { LegalView } from '../../domains/members/schemas.ts';
import { getJson } from '../api.ts';
import { PHONE } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';

const SECTIONS: { heading: MessageKey; body: MessageKey[] }[] = [
  { heading: 'privacy.who.heading', body: ['privacy.who.body'] },
  { heading: 'privacy.what.heading', body: ['privacy.what.body', 'privacy.health.body'] },
  { heading: 'privacy.why.heading', body: ['privacy.why.body'] },
  { heading: 'privacy.share.heading', body: ['privacy.share.body'] },
  { heading: 'privacy.arco.heading', body: ['privacy.arco.body'] },
  { heading: 'privacy.cookies.heading', body: ['privacy.cookies.body', 'privacy.changes.body'] },
];

/** `/aviso-de-privacidad`: the notice customers accept when contracting, with the version in force. */
export default function PrivacyNoticePage() {
  const { t, lang } = useI18n();
  // The version people accept comes from the API that records their acceptance.
  const legal = useQuery({
    queryKey: ['legal'],
    queryFn: () => getJson<Static<typeof LegalView>>('/v1/legal', lang),
  });
  useEffect(() => {
    document.title = `${t('privacy.heading')} · ${t('site.title')}`;
  }, [t]);
  return (
    <article className="narrow" aria-labelledby="privacy-heading">
      <h1 id="privacy-heading">{t('privacy.heading')}</h1>
      {legal.data && (
        <p className="muted" data-testid="privacy-version">
          {t('privacy.version', { version: legal.data.privacyNotice.version })}
        </p>
      )}
      {SECTIONS.map((section) => (
        <section key={section.heading}>
          <h2>{t(section.heading)}</h2>
          {section.body.map((key) => (
            <p key={key}>{t(key, { phone: PHONE.display })}</p>
          ))}
          {section.heading === 'privacy.arco.heading' && (
            <p>
              <Link to="/app/derechos-arco">{t('arco.noticeLink')}</Link>
            </p>
          )}
        </section>
      ))}
    </article>
  );
}
