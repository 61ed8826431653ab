import { useNavigate } from 'react-router';
import type { Lang } from '../i18n/messages.ts';
import { useSession } from '../session.tsx';
import { useStaffI18n } from './i18n.ts';
import { roleName } from './StaffGate.tsx';

const LANGS: Lang[] = ['es', 'en'];

/** The staff apps' top bar: which app, who is signed in (and as what), the language, sign out. */
export function StaffBar({ title, home }: { title: string; home: string }) {
  const { t, tc, lang, setLang } = useStaffI18n();
  const { user, signOut } = useSession();
  const navigate = useNavigate();
  return (
    <>
      <a className="skip-link" href="#main">
        {tc('site.skip')}
      </a>
      <header className="staff-bar">
        <a className="staff-brand" href={home}>
          {title}
        </a>
        <div className="staff-bar-end">
          {user && (
            <p className="staff-who">
              {t('staff.signedInAs', { name: user.name, role: roleName(t, user.role) })}
            </p>
          )}
          <fieldset className="lang-switch">
            <legend className="visually-hidden">{tc('site.language')}</legend>
            {LANGS.map((code) => (
              <button
                key={code}
                type="button"
                lang={code === 'es' ? 'es-MX' : 'en'}
                aria-pressed={lang === code}
                onClick={() => setLang(code)}
              >
                {tc(`lang.${code}`)}
              </button>
            ))}
          </fieldset>
          {user && (
            <button
              type="button"
              className="button button-secondary staff-signout"
              onClick={() => void signOut().finally(() => navigate(home, { replace: true }))}
            >
              {t('staff.signOut')}
            </button>
          )}
        </div>
      </header>
    </>
  );
}
