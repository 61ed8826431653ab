import { useI18n } from '../../i18n/i18n.tsx';
import { Button } from '../../ui/Button.tsx';
import { CardSummary } from '../../ui/CardField.tsx';
import { CoveredThrough, DateTime } from '../../ui/DateTime.tsx';
import { Money } from '../../ui/Money.tsx';
import type { Membership } from './flow.ts';
import { StepHeading } from './StepHeading.tsx';

export type SignInState = 'pending' | 'done' | 'failed';

/**
 * The membership is contracted: its number (read aloud on the phone), when the free months end,
 * the first charge, the card; and the way into the portal once the new account is signed in.
 */
export function DoneStep({
  membership,
  priceCentavos,
  signIn,
  focus,
}: {
  membership: Membership;
  priceCentavos: number | undefined;
  signIn: SignInState;
  focus: boolean;
}) {
  const { t } = useI18n();
  return (
    <div className="contract-done" data-testid="contracted">
      <StepHeading
        step="listo"
        title={t('contract.done.heading', { plan: membership.plan.name })}
        focus={focus}
      />
      <div className="contract-number">
        <p>{t('contract.done.number')}</p>
        <p className="number">{membership.number}</p>
        <p className="muted">{t('contract.done.numberHint')}</p>
      </div>
      <dl className="contract-facts">
        {membership.trialEndsAt && (
          <div>
            <dt>{t('contract.done.trialEnds')}</dt>
            <dd>
              <CoveredThrough end={membership.trialEndsAt} />
            </dd>
          </div>
        )}
        {membership.nextChargeOn && (
          <div>
            <dt>{t('contract.done.firstCharge')}</dt>
            <dd>
              <DateTime value={membership.nextChargeOn} dateOnly />
              {priceCentavos !== undefined && (
                <>
                  {' · '}
                  <Money centavos={priceCentavos} ivaIncluded />
                </>
              )}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('contract.done.card')}</dt>
          <dd>
            <CardSummary card={membership.card} />
          </dd>
        </div>
      </dl>
      {signIn === 'pending' && (
        <p className="muted" role="status">
          {t('contract.done.signingIn')}
        </p>
      )}
      {signIn === 'failed' && (
        <>
          <p className="form-error">{t('contract.done.signInFailed')}</p>
          <Button to="/entrar">{t('contract.done.signIn')}</Button>
        </>
      )}
      {signIn === 'done' && <Button to="/app">{t('contract.done.go')}</Button>}
    </div>
  );
}
