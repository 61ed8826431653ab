/**
 * One-time link tokens travel in URL paths (`/ubicacion/<token>`, `/v1/location-links/<token>`):
 * whoever holds one can use it, so no log line may carry it. The request log writes the path with
 * the token replaced.
 */
const TOKEN_IN_PATH = /(\/(?:v1\/location-links|ubicacion)\/)[^/?#]+/g;

/** `/v1/location-links/AbC…` → `/v1/location-links/[token]`; other URLs unchanged. */
export function redactLinkTokensInUrl(url: string): string {
  return url.replace(TOKEN_IN_PATH, '$1[token]');
}
