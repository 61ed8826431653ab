import type { CaseView } from './views.ts';

/** What staff read in place of a blocked person's data (docs/decisions-pending/words.md). */
export const BLOCKED_WORDS = 'Datos bloqueados (derechos ARCO)';

/**
 * A case of a membership whose personal data is blocked by an ARCO cancellation, as staff see it:
 * the person's name, the place's words, the description and the details (a callback number, a
 * vehicle's plates) are withheld; what the case was, when, by whom and at what cost stays, with the
 * point on the map (the provider's route and payment rest on it).
 */
export function withPersonBlocked(view: CaseView): CaseView {
  const name = view.person.name;
  // The decision's reasons name the person ("María López: cubierta como titular").
  const reasons = view.decision.reasons.map((r) => ({
    ...r,
    es: r.es.replaceAll(name, BLOCKED_WORDS),
    en: r.en.replaceAll(name, BLOCKED_WORDS),
  }));
  return {
    ...view,
    decision: { ...view.decision, reasons },
    person: { ...view.person, name: BLOCKED_WORDS },
    place: { ...view.place, address: BLOCKED_WORDS },
    description: BLOCKED_WORDS,
    details: {},
    // The customer's own steps on the timeline carry their name too.
    ...(view.timeline
      ? {
          timeline: view.timeline.map((e) =>
            e.actor.kind === 'customer' ? { ...e, actor: { ...e.actor, name: BLOCKED_WORDS } } : e,
          ),
        }
      : {}),
  };
}
