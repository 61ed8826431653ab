import { formatEta } from '../../lib/duration.ts';
import type { StaffTranslate } from './i18n.ts';

type Or = (key: string, fallback: string, values?: Record<string, string | number>) => string;
type Localised = { es: string; en: string };

/** A case's state as staff read it (about the customer), or the API's label for a state not in the catalogue. */
export function caseStateWords(
  kase: { state: string; stateLabel: Localised },
  tOr: Or,
  lang: 'es' | 'en',
): string {
  return tOr(`staff.caseState.${kase.state}`, kase.stateLabel[lang]);
}

/**
 * Who did a step, credited by what they are: `Grúas Reforma · Proveedor`, `Jorge Ramírez · Agente`,
 * `Libra` for the system. The API gives the actor's kind (a role, `api_key:<role>`, `system`).
 */
export function actorWords(actor: { kind: string; name: string }, t: StaffTranslate, tOr: Or): string {
  if (actor.kind === 'system') return t('agent.actor.system');
  const role = actor.kind.startsWith('api_key:')
    ? t('staff.actor.apiKey')
    : tOr(`staff.role.${actor.kind}`, '');
  return role ? t('staff.actor.withRole', { name: actor.name, role }) : actor.name;
}

/** A billing run's counters in words (`Cobrados: 12 · Duración: 2 min`), zeros left out. */
export function runSummaryWords(summary: Record<string, number>, tOr: Or): string {
  return Object.entries(summary)
    .filter(([, v]) => v !== 0)
    .map(([k, v]) => {
      const name = tOr(`staff.run.counter.${k}`, k);
      if (k !== 'durationMs') return `${name}: ${v}`;
      return `${name}: ${v < 60_000 ? `${Math.max(1, Math.round(v / 1000))} s` : formatEta(v / 60_000)}`;
    })
    .join(' · ');
}
