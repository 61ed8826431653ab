import type { PlanView } from '../domains/catalog/schemas.ts';

export type { PlanView };
export type PlanService = PlanView['services'][number];

/** An RFC 9457 problem from the API (or a network failure, with status 0). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string | undefined,
  ) {
    super(detail ?? code);
  }
}

/** GET a JSON resource in the reader's language; failures become ApiProblem with the API's words. */
export async function getJson<T>(path: string, lang: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json', 'accept-language': lang } });
  } catch {
    throw new ApiProblem(0, 'NETWORK', undefined);
  }
  if (response.ok) return (await response.json()) as T;
  let body: { code?: string; detail?: string } = {};
  try {
    body = await response.json();
  } catch {
    // Not problem+json (a proxy's page): the status alone.
  }
  throw new ApiProblem(response.status, body.code ?? `HTTP_${response.status}`, body.detail);
}
