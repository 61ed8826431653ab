import type { Static } from '@sinclair/typebox';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { ChargeView, RefundView, RunView } from '../../../domains/billing/schemas.ts';
import type { CaseView } from '../../../domains/cases/schemas.ts';
import type { PlanList } from '../../../domains/catalog/schemas.ts';
import type { ComplaintPage, ComplaintView } from '../../../domains/complaints/schemas.ts';
import type { ApiKeyView, CreatedApiKey, UserView } from '../../../domains/identity/schemas.ts';
import { ApiProblem, getJson } from '../../api.ts';
import { useStaffI18n } from '../../staff/i18n.ts';

/** The API's shapes, from the schemas that also validate and document it. */
export type BoardCase = Static<typeof CaseView>;
export type Complaint = Static<typeof ComplaintView>;
export type ComplaintList = Static<typeof ComplaintPage>;
export type Charge = Static<typeof ChargeView>;
export type Refund = Static<typeof RefundView>;
export type BillingRun = Static<typeof RunView>;
export type StaffAccount = Static<typeof UserView>;
export type ApiKey = Static<typeof ApiKeyView>;
export type NewApiKey = Static<typeof CreatedApiKey>;

export interface AuditEntry {
  id: string;
  at: string;
  actorType: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  recordType: string;
  recordId: string | null;
  requestId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** A case still being worked: what the board shows. */
export const OPEN_CASE_STATES = [
  'requested',
  'awaiting_excess_acceptance',
  'dispatched',
  'en_route',
  'on_site',
  'booked',
  'in_consultation',
  'under_review',
  'approved',
] as const;

/** The API's own words for a failure (problem+json `detail`), or "no connection". */
export function useProblemText() {
  const { tc } = useStaffI18n();
  return (error: unknown): string =>
    error instanceof ApiProblem && error.status !== 0 && error.detail
      ? error.detail
      : tc('state.error.network');
}

/** Every service of the plans on sale, by code, with its name in both languages. */
export function useServiceNames() {
  const { lang } = useStaffI18n();
  const plans = useQuery({
    queryKey: ['plans', 'all'],
    queryFn: () => getJson<Static<typeof PlanList>>('/v1/plans', lang),
    staleTime: 10 * 60_000,
  });
  const names = new Map<string, { es: string; en: string }>();
  for (const plan of plans.data?.data ?? []) for (const s of plan.services) names.set(s.code, s.name);
  return {
    services: [...names.entries()].map(([code, name]) => ({ code, name: name[lang] })),
    nameOf: (code: string) => names.get(code)?.[lang] ?? code,
  };
}

/** The current time, again every `everyMs` (elapsed times and "hace X s" tick with it). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** `12 min`, `1 h 05 min`. */
export function formatMinutes(minutes: number): string {
  const m = Math.max(0, Math.floor(minutes));
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Pesos typed by a person (`1,234.50`, `$80`) to centavos; undefined when it is not an amount. */
export { parsePesos as pesosToCentavos } from '../../i18n/format.ts';

/** A `datetime-local` value read as Mexico City time (UTC−6 all year since 2022), as an ISO instant. */
export function mexicoCityInstant(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(`${local.length === 16 ? `${local}:00` : local}-06:00`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
