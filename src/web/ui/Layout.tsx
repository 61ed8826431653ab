import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useI18n } from '../i18n/i18n.tsx';
import type { Lang } from '../i18n/messages.ts';
import { useSignedInHint } from '../session.tsx';
import { PhoneLink } from './PhoneLink.tsx';

const LANGS: Lang[] = ['es', 'en'];

/**
 * Header (brand, "Entrar" or "Mi cuenta", language switch), main landmark with a skip link, footer
 * with the phone line. `prerendered` (the server's plan page, which cannot know who is signed in):
 * both account links, "Mi cuenta" hidden until the page's script finds the signed-in hint.
 */
export function Layout({ children, prerendered = false }: { children: ReactNode; prerendered?: boolean }) {
  const { t, lang, setLang } = useI18n();
  const signedIn = useSignedInHint();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('site.skip')}
      </a>
      <header className="layout-header">
        <div className="layout-bar">
          <Link to="/" className="layout-brand" aria-label={t('site.home')}>
            {t('site.brand')}
          </Link>
          <nav className="layout-account" aria-label={t('header.nav')}>
            {prerendered ? (
              <>
                <Link to="/app" hidden data-account="signed-in">
                  {t('header.account')}
                </Link>
                <Link to="/entrar" data-account="signed-out">
                  {t('header.signIn')}
                </Link>
              </>
            ) : signedIn ? (
              <Link to="/app">{t('header.account')}</Link>
            ) : (
              <Link to="/entrar">{t('header.signIn')}</Link>
            )}
          </nav>
          <fieldset className="lang-switch">
            <legend className="visually-hidden">{t('site.language')}</legend>
            {LANGS.map((code) => (
              <button
                key={code}
                type="button"
                lang={code === 'es' ? 'es-MX' : 'en'}
                aria-pressed={lang === code}
                data-lang={code}
                onClick={() => setLang(code)}
              >
                {t(`lang.${code}`)}
              </button>
            ))}
          </fieldset>
        </div>
      </header>
      <main id="main" className="layout-main" tabIndex={-1}>
        {children}
      </main>
      <footer className="layout-footer">
        <div className="layout-bar">
          <p>
            {t('phone.assistance')}: <PhoneLink />
          </p>
          <p className="muted">{t('phone.hours')}</p>
          <p className="muted">{t('site.footer.operator')}</p>
          <p>
            <a href="/docs">{t('site.footer.api')}</a>
          </p>
        </div>
      </footer>
    </>
  );
}
