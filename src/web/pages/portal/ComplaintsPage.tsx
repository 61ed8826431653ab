import { useI18n } from '../../i18n/i18n.tsx';

/** Placeholder until this section is built. */
export default function ComplaintsPage() {
  const { t } = useI18n();
  return <h1>{t('portal.nav.complaints')}</h1>;
}
