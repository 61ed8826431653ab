import type { Static } from '@sinclair/typebox';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { ProviderView } from '../../../domains/dispatch/schemas.ts';
import { api, getJson, problemText } from '../../api.ts';
import { CaseMap } from '../../cases/CaseMap.tsx';
import { type Case, caseKey, isOpen } from '../../cases/case-data.ts';
import { distanceOf } from '../../cases/case-facts.ts';
import { useSession } from '../../session.tsx';
import { useStaffI18n } from '../../staff/i18n.ts';
import { FormDialog } from '../../ui/FormDialog.tsx';
import { candidatesKey } from '../agent/data.ts';

type Provider = Static<typeof ProviderView>;

/** Who may read a provider's record (GET /v1/providers/{id}): the provider's position comes from it. */
const READS_PROVIDERS = ['agent', 'supervisor', 'admin'];
/** Who may correct a case's place (PUT /v1/cases/{id}/place). */
const CORRECTS_PLACES = ['agent', 'supervisor'];

/**
 * The dispatch board's map: the case's place and, while a provider is on the case, where the
 * provider is now (their record's last position, read again at each event of the case, as
 * positions come with `eta_updated`). Nothing without a configured style.
 */
export function CaseMapPanel({ kase }: { kase: Case }) {
  const { t, tc, lang } = useStaffI18n();
  const { user } = useSession();
  const queryClient = useQueryClient();
  const role = user?.role ?? '';
  const providerId = kase.provider?.id;
  const following = providerId !== undefined && isOpen(kase.state) && READS_PROVIDERS.includes(role);
  const provider = useQuery({
    queryKey: ['staff', 'provider', providerId],
    enabled: following,
    queryFn: () => getJson<Provider>(`/v1/providers/${providerId}`, lang),
  });

  const events = kase.timeline?.length ?? 0;
  useEffect(() => {
    if (events > 0 && providerId)
      void queryClient.invalidateQueries({ queryKey: ['staff', 'provider', providerId] });
  }, [events, providerId, queryClient]);

  // A drag waits here for the agent's answer; the pin goes back unless it is yes.
  const [asking, setAsking] = useState<{ lat: number; lng: number } | null>(null);
  const answer = useRef<((keep: boolean) => void) | null>(null);
  const settle = (keep: boolean) => {
    answer.current?.(keep);
    answer.current = null;
    setAsking(null);
  };
  const mayCorrect = CORRECTS_PLACES.includes(role) && isOpen(kase.state);

  const position = following && provider.data ? provider.data.location : undefined;
  return (
    <>
      <CaseMap
        place={kase.place}
        provider={
          position && kase.provider
            ? { lat: position.lat, lng: position.lng, name: kase.provider.name }
            : null
        }
        distanceKm={distanceOf(kase, kase.timeline ?? [])}
        hint={mayCorrect ? t('agent.map.hint') : undefined}
        onPlaceDragged={
          mayCorrect
            ? (point) =>
                new Promise<boolean>((resolve) => {
                  answer.current?.(false);
                  answer.current = resolve;
                  setAsking(point);
                })
            : undefined
        }
        frame={(content) => (
          <section className="agent-panel" aria-labelledby="map-heading" data-testid="case-map-panel">
            <h2 id="map-heading">{tc('map.heading')}</h2>
            {content}
          </section>
        )}
      />
      <FormDialog
        open={asking !== null}
        onClose={() => settle(false)}
        title={t('agent.map.confirm.title')}
        message={(problem) => (problem ? problemText(problem, t('agent.error.network')) : undefined)}
        submitLabel={t('agent.map.confirm.yes')}
        sendingLabel={t('agent.map.confirm.sending')}
        cancelLabel={t('agent.map.confirm.no')}
        focusCancel
        onSubmit={async () => {
          if (!asking) return;
          const next = await api<Case>('PUT', `/v1/cases/${kase.id}/place`, {
            lang,
            body: { lat: asking.lat, lng: asking.lng },
          });
          queryClient.setQueryData(caseKey(kase.id), next);
          void queryClient.invalidateQueries({ queryKey: caseKey(kase.id) });
          void queryClient.invalidateQueries({ queryKey: candidatesKey(kase.id) });
          settle(true);
        }}
      >
        {asking && (
          <p>{t('agent.map.confirm.body', { lat: asking.lat.toFixed(5), lng: asking.lng.toFixed(5) })}</p>
        )}
      </FormDialog>
    </>
  );
}
