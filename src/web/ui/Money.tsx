import { formatMoney } from '../i18n/format.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** An amount in MXN (`$218.00`), optionally with "IVA incluido" beside it. */
export function Money({ centavos, ivaIncluded = false }: { centavos: number; ivaIncluded?: boolean }) {
  const { t } = useI18n();
  return (
    <span className="money">
      {formatMoney(centavos)}
      {ivaIncluded && <span className="money-iva">{t('money.ivaIncluded')}</span>}
    </span>
  );
}
