import { useStaffI18n } from '../../staff/i18n.ts';

/** Placeholder until this screen is built (issue 11). */
export default function JobPage() {
  const { t } = useStaffI18n();
  return (
    <section aria-labelledby="page-heading">
      <h1 id="page-heading">{t('staff.provider')}</h1>
    </section>
  );
}
