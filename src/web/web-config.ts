import { useQuery } from '@tanstack/react-query';
import type { WebConfig } from '../platform/web-config.ts';
import { getJson } from './api.ts';

export type { WebConfig };

/**
 * The operator's run-time settings for the web (GET /v1/web-config): today, the map's style. Read
 * once per page load and kept; a failure to read them means no map, never a broken page.
 */
export function useWebConfig() {
  return useQuery({
    queryKey: ['web-config'],
    queryFn: () => getJson<WebConfig>('/v1/web-config', 'es-MX'),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
