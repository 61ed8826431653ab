import { describe, expect, it } from 'vitest';
import { formatMessage } from '../../lib/words.ts';
import { isStaffMessageKey, staffCatalogues } from './i18n/messages.ts';
import type { StaffTranslate } from './i18n.ts';
import { actorWords, caseStateWords, runSummaryWords } from './words.ts';

const t: StaffTranslate = (key, values) => formatMessage(staffCatalogues.es[key], values, 'es');
const tOr = (key: string, fallback: string, values?: Record<string, string | number>) =>
  isStaffMessageKey(key) ? t(key, values) : fallback;

describe('staff words', () => {
  it('says a case state about the customer, not to them', () => {
    const kase = {
      state: 'awaiting_excess_acceptance',
      stateLabel: { es: 'Esperando que aceptes el excedente', en: 'Waiting for you to accept the excess' },
    };
    expect(caseStateWords(kase, tOr, 'es')).toBe('Esperando que el cliente acepte el excedente');
    expect(caseStateWords({ state: 'new_state', stateLabel: { es: 'Nuevo', en: 'New' } }, tOr, 'es')).toBe(
      'Nuevo',
    );
  });

  it('credits a step by name and role, once', () => {
    expect(actorWords({ kind: 'provider', name: 'Grúas Reforma' }, t, tOr)).toBe('Grúas Reforma · Proveedor');
    expect(actorWords({ kind: 'agent', name: 'Jorge Ramírez' }, t, tOr)).toBe('Jorge Ramírez · Agente');
    expect(actorWords({ kind: 'system', name: 'Libra' }, t, tOr)).toBe('Libra');
    expect(actorWords({ kind: 'api_key:partner', name: 'Banco' }, t, tOr)).toBe('Banco · Integración');
  });

  it('writes a billing run in words, never its counter names', () => {
    const words = runSummaryWords({ due: 3, succeeded: 2, declined: 0, durationMs: 1500 }, tOr);
    expect(words).toBe('Vencidos: 3 · Cobrados: 2 · Duración: 2 s');
    expect(words).not.toMatch(/durationMs|succeeded/);
  });
});
