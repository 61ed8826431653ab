import { useEffect } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { Button } from '../ui/Button.tsx';
import { EmptyState } from '../ui/States.tsx';

/**
 * Any URL the site does not know. The server answers it with status 404 (this page to a browser,
 * problem+json to an API client: src/platform/web.ts).
 */
export function NotFoundPage() {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t('notFound.heading')} · ${t('site.title')}`;
  }, [t]);
  return (
    <>
      <h1 className="visually-hidden">{t('notFound.heading')}</h1>
      <EmptyState title={t('notFound.heading')}>
        <Button to="/">{t('notFound.back')}</Button>
      </EmptyState>
    </>
  );
}
