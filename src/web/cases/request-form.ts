import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiProblem, api, newIdempotencyKey, type PlanService } from '../api.ts';
import { type Case, caseKey, type Decision } from './case-data.ts';
import { needsOf, type RequestDetailsFields } from './case-request.ts';

/** What every request form holds besides its own fields: who and which service. */
export interface RequestFormBase extends RequestDetailsFields {
  personId: string;
  serviceCode: string;
}

export type Problems<F> = Partial<Record<keyof F | 'place', string>>;

/** The request as the API takes it, or the problems to fix first (in the form's catalogue). */
export interface Built<F> {
  body?: Record<string, unknown>;
  problems: Problems<F>;
}

/**
 * The state and the sending of a request for assistance, shared by the customer's form (portal)
 * and the agent's (console): the fields and their problems, the chosen service and what it
 * needs, and `submit`, which sends `POST /v1/cases` with one Idempotency-Key per intent (sending
 * the same request again after a lost answer replays the first case), caches the new case under
 * its key and hands it on. A failure is kept as the API's problem and the form's error line gets
 * the focus.
 */
export function useRequestForm<F extends RequestFormBase>({
  initial,
  services,
  lang,
  onCreated,
}: {
  initial: F;
  services: PlanService[];
  lang: string;
  onCreated: (created: Case) => void;
}) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<F>(initial);
  const [problems, setProblems] = useState<Problems<F>>({});
  const [apiProblem, setApiProblem] = useState<ApiProblem | null>(null);
  const [sending, setSending] = useState(false);
  const intent = useRef<{ key: string; body: string } | null>(null);
  const errorRef = useRef<HTMLDivElement>(null);

  const service = services.find((s) => s.code === form.serviceCode);
  const needs = needsOf(service);
  const set = <K extends keyof F>(key: K, value: F[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setProblems((p) => ({ ...p, [key]: undefined }));
  };

  /** The form's submit handler, given how to build the request from the fields. */
  const submit = (build: () => Built<F>) => async (event: FormEvent) => {
    event.preventDefault();
    setApiProblem(null);
    const built = build();
    setProblems(built.problems);
    if (!built.body) {
      errorRef.current?.focus();
      return;
    }
    const text = JSON.stringify(built.body);
    if (intent.current?.body !== text) intent.current = { key: newIdempotencyKey(), body: text };
    setSending(true);
    try {
      const created = await api<Case>('POST', '/v1/cases', {
        lang,
        body: built.body,
        idempotencyKey: intent.current.key,
      });
      queryClient.setQueryData(caseKey(created.id), created);
      onCreated(created);
    } catch (error) {
      setApiProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'NETWORK', undefined));
      errorRef.current?.focus();
    } finally {
      setSending(false);
    }
  };

  const hasProblems = Object.values(problems).some(Boolean);
  return {
    form,
    setForm,
    set,
    problems,
    setProblems,
    hasProblems,
    apiProblem,
    sending,
    errorRef,
    service,
    needs,
    submit,
  };
}

/** A typed value once the person stops typing for `ms` (what counts in the decision is asked again then). */
export function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The eligibility answer for the request as it stands (POST /v1/eligibility/checks), asked again
 * whenever what it depends on changes, never from the cache (the use left changes). Each app keys
 * it in its own cache space.
 */
export function useEligibility({
  queryKey,
  enabled,
  lang,
  body,
}: {
  queryKey: readonly unknown[];
  enabled: boolean;
  lang: string;
  body: Record<string, unknown>;
}) {
  const eligibility = useQuery({
    queryKey,
    enabled,
    queryFn: () => api<Decision>('POST', '/v1/eligibility/checks', { lang, body }),
    staleTime: 0,
    retry: false,
  });
  const decision = eligibility.data;
  return { eligibility, decision, canSend: decision?.allowed === true && !eligibility.isFetching };
}
