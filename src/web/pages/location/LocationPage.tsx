import type { Static } from '@sinclair/typebox';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import type { LocationLinkStatus } from '../../../domains/cases/schemas.ts';
import { ApiProblem, api, getJson, problemText } from '../../api.ts';
import { formatTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { Button } from '../../ui/Button.tsx';
import { ErrorState, LoadingState } from '../../ui/States.tsx';
import './location.css';

type LinkState = Static<typeof LocationLinkStatus>;

/** Where sharing stands: waiting for a tap, asking the phone, sending, done, or why not. */
type Step =
  | { kind: 'ready' }
  | { kind: 'locating' }
  | { kind: 'sending' }
  | { kind: 'done'; accuracyM: number }
  | { kind: 'failed'; title: MessageKey; body: string };

/** The phone's reported accuracy in words: `350 m`, `1.8 km`. */
function distance(metres: number): string {
  return metres < 1000 ? `${Math.round(metres / 10) * 10} m` : `${Math.round(metres / 100) / 10} km`;
}

/** Asks the phone where it is; a refusal, no fix or a timeout comes back as the browser's error. */
function currentPosition(): Promise<GeolocationPosition> {
  return new Promise((resolve, reject) =>
    navigator.geolocation.getCurrentPosition(resolve, reject, {
      enableHighAccuracy: true,
      timeout: 20_000,
      maximumAge: 0,
    }),
  );
}

/**
 * "Comparte tu ubicación" (`/ubicacion/:token`): the one-time page an agent texts to whoever is
 * calling. It reads the link's state (nothing about the case), asks the phone for its position on
 * one tap, and sends it; every way it can fail says what to do instead. Public: no sign-in.
 */
export default function LocationPage() {
  const { token = '' } = useParams();
  const { t, lang } = useI18n();
  const [step, setStep] = useState<Step>({ kind: 'ready' });
  const link = useQuery({
    queryKey: ['location-link', token],
    queryFn: () => getJson<LinkState>(`/v1/location-links/${encodeURIComponent(token)}`, lang),
    staleTime: 0,
  });

  const title = <h1>{t('location.title')}</h1>;
  if (link.isPending)
    return (
      <section className="location-page">
        {title}
        <LoadingState label={t('location.loading')} />
      </section>
    );
  if (link.isError) {
    const invalid = link.error instanceof ApiProblem && [400, 404].includes(link.error.status);
    return (
      <section className="location-page">
        {title}
        {invalid ? (
          <Notice title={t('location.invalid.title')} body={t('location.invalid.body')} />
        ) : (
          <ErrorState
            title={t('location.error.title')}
            detail={problemText(link.error, t('state.error.network'))}
            onRetry={() => void link.refetch()}
          />
        )}
      </section>
    );
  }

  const used = link.data.status === 'used' && step.kind !== 'done';
  if (used || link.data.status === 'expired')
    return (
      <section className="location-page">
        {title}
        {used ? (
          <Notice title={t('location.used.title')} body={t('location.used.body')} />
        ) : (
          <Notice title={t('location.expired.title')} body={t('location.expired.body')} />
        )}
      </section>
    );

  async function share() {
    if (!('geolocation' in navigator)) {
      setStep({
        kind: 'failed',
        title: 'location.unsupported.title',
        body: t('location.unsupported.body'),
      });
      return;
    }
    setStep({ kind: 'locating' });
    let position: GeolocationPosition;
    try {
      position = await currentPosition();
    } catch (error) {
      const code = (error as GeolocationPositionError).code;
      setStep(
        code === 1
          ? { kind: 'failed', title: 'location.denied.title', body: t('location.denied.body') }
          : code === 3
            ? { kind: 'failed', title: 'location.timeout.title', body: t('location.timeout.body') }
            : { kind: 'failed', title: 'location.unavailable.title', body: t('location.unavailable.body') },
      );
      return;
    }
    setStep({ kind: 'sending' });
    const { latitude, longitude, accuracy } = position.coords;
    try {
      await api('POST', `/v1/location-links/${encodeURIComponent(token)}`, {
        lang,
        body: { lat: latitude, lng: longitude, accuracyM: accuracy },
      });
      setStep({ kind: 'done', accuracyM: accuracy });
      void link.refetch();
    } catch (error) {
      if (error instanceof ApiProblem && (error.status === 409 || error.status === 410)) {
        setStep({ kind: 'ready' });
        void link.refetch();
        return;
      }
      setStep({
        kind: 'failed',
        title: 'location.sendFailed.title',
        body: problemText(error, t('state.error.network')),
      });
    }
  }

  if (step.kind === 'done')
    return (
      <section className="location-page">
        {title}
        <div className="location-done" role="status">
          <p className="location-done-title">{t('location.done.title')}</p>
          <p>{t('location.done.body')}</p>
          {step.accuracyM > 100 && (
            <p className="muted">{t('location.done.coarse', { distance: distance(step.accuracyM) })}</p>
          )}
        </div>
      </section>
    );

  const busy = step.kind === 'locating' || step.kind === 'sending';
  return (
    <section className="location-page">
      {title}
      <p>{t('location.intro')}</p>
      <p>{t('location.how')}</p>
      <p className="muted">
        {t('location.expires', { time: formatTime(link.data.expiresAt) })} {t('location.privacy')}
      </p>
      <div className="location-action">
        <Button onClick={() => void share()} disabled={busy} aria-busy={busy}>
          {step.kind === 'failed' ? t('location.retry') : t('location.share')}
        </Button>
      </div>
      <p className="location-progress" role="status" aria-live="polite">
        {step.kind === 'locating'
          ? t('location.locating')
          : step.kind === 'sending'
            ? t('location.sending')
            : ''}
      </p>
      {step.kind === 'failed' && <Notice title={t(step.title)} body={step.body} alert />}
    </section>
  );
}

/** A state said plainly, with what to do next. */
function Notice({ title, body, alert = false }: { title: string; body: string; alert?: boolean }) {
  return (
    <div className={`state${alert ? ' state-error' : ''}`} role={alert ? 'alert' : undefined}>
      <h2>{title}</h2>
      <p>{body}</p>
    </div>
  );
}
