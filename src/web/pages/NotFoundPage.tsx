import { useI18n } from '../i18n/i18n.tsx';
import { Button } from '../ui/Button.tsx';
import { EmptyState } from '../ui/States.tsx';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <>
      <h1 className="visually-hidden">{t('notFound.heading')}</h1>
      <EmptyState title={t('notFound.heading')}>
        <Button to="/">{t('notFound.back')}</Button>
      </EmptyState>
    </>
  );
}
