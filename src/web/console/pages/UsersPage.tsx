import { useStaffI18n } from '../../staff/i18n.ts';

/** Placeholder until this section is built (issue 11). */
export default function UsersPage() {
  const { t } = useStaffI18n();
  return (
    <section aria-labelledby="page-heading">
      <h1 id="page-heading">{t('staff.nav.users')}</h1>
    </section>
  );
}
