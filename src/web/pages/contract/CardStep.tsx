import { useState } from 'react';
import type { ApiProblem } from '../../api.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Button } from '../../ui/Button.tsx';
import { CardField, CardSummary, type TokenizedCard } from '../../ui/CardField.tsx';
import { FormError } from '../../ui/Field.tsx';
import { StepHeading } from './StepHeading.tsx';

/**
 * Step 3: the card, through the card form (ui/CardField.tsx), which hands back only the token and
 * the card's summary. Coming back to this step shows the card chosen, or lets the person use another.
 */
export function CardStep({
  card,
  trialMonths,
  problem,
  focus,
  onCard,
  onNext,
}: {
  card: TokenizedCard | null;
  trialMonths: number;
  /** Contracting refused the card (e.g. it expired meanwhile). */
  problem: ApiProblem | undefined;
  focus: boolean;
  onCard(card: TokenizedCard): void;
  onNext(): void;
}) {
  const { t } = useI18n();
  const [another, setAnother] = useState(card === null);
  const back = (
    <Button to="?paso=datos" variant="secondary">
      {t('contract.back')}
    </Button>
  );
  return (
    <div className="contract-form">
      <StepHeading step="tarjeta" title={t('contract.card.heading')} focus={focus} />
      <p>{t('contract.card.intro')}</p>
      {trialMonths > 0 && <p className="trial">{t('contract.card.trial', { months: trialMonths })}</p>}
      <FormError message={problem?.detail} />
      {card && !another ? (
        <>
          <h3>{t('contract.card.current')}</h3>
          <CardSummary card={card} />
          <div className="actions">
            <Button onClick={onNext}>{t('contract.continue')}</Button>
            <Button variant="secondary" onClick={() => setAnother(true)}>
              {t('contract.card.other')}
            </Button>
            {back}
          </div>
        </>
      ) : (
        <CardField
          submitLabel={t('contract.continue')}
          secondary={back}
          onTokenized={(tokenized) => {
            setAnother(false);
            onCard(tokenized);
          }}
        />
      )}
    </div>
  );
}
