import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { getJson, type PlanView } from '../api.ts';
import { PHONE } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Button } from '../ui/Button.tsx';
import { Money } from '../ui/Money.tsx';
import { PhoneLink } from '../ui/PhoneLink.tsx';
import { PLAN_CODE } from './PlanPage.tsx';

/** `/contratar`: the online contracting flow comes in the next slice; until then, the phone. */
export default function ContractPage() {
  const { t, lang } = useI18n();
  const plan = useQuery({
    // The plan holds both languages: switching does not fetch it again.
    queryKey: ['plan', PLAN_CODE],
    queryFn: () => getJson<PlanView>(`/v1/plans/${PLAN_CODE}`, lang),
  });
  useEffect(() => {
    document.title = `${t('contract.heading')} · ${t('site.title')}`;
  }, [t]);
  const name = plan.data?.name ?? 'Libra Plus';
  return (
    <section aria-labelledby="contract-heading">
      <h1 id="contract-heading">{t('contract.heading')}</h1>
      {plan.data && (
        <p className="price">
          {name}: <Money centavos={plan.data.price.totalCentavos} ivaIncluded />
        </p>
      )}
      <p>{t('contract.soon', { name })}</p>
      <p>{t('contract.meanwhile', { phone: PHONE.display })}</p>
      <p>
        <PhoneLink />
      </p>
      <p className="muted">{t('phone.hours')}</p>
      <Button to="/" variant="secondary">
        {t('contract.back')}
      </Button>
    </section>
  );
}
