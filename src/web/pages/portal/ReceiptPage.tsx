import { useI18n } from '../../i18n/i18n.tsx';

/** Placeholder until this section is built. */
export default function ReceiptPage() {
  const { t } = useI18n();
  return <h1>{t('portal.nav.charges')}</h1>;
}
