import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestApp } from './app.ts';

/** Request headers: a session's `read` or `write`, a bearer key, or none. */
export type Headers = Record<string, string>;

type Payload = InjectOptions['payload'];

/**
 * The API as the tests call it, through `app.inject`. The app is read when a call is made, so a
 * suite declares its helpers at the top and builds the app in `beforeAll`:
 *
 *   let t: TestApp;
 *   const { get, post } = http(() => t);
 */
export function http(app: () => Pick<TestApp, 'app'>) {
  const send = (method: InjectOptions['method'], url: string, headers: Headers, payload?: unknown) =>
    app().app.inject({
      method,
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as Payload }),
    });
  return {
    get: (url: string, headers: Headers = {}): Promise<LightMyRequestResponse> => send('GET', url, headers),
    /** A POST; the body defaults to `{}`, as the API's actions without fields expect. */
    post: (url: string, headers: Headers = {}, payload: unknown = {}): Promise<LightMyRequestResponse> =>
      send('POST', url, headers, payload),
    put: (url: string, headers: Headers = {}, payload: unknown = {}): Promise<LightMyRequestResponse> =>
      send('PUT', url, headers, payload),
    patch: (url: string, headers: Headers = {}, payload: unknown = {}): Promise<LightMyRequestResponse> =>
      send('PATCH', url, headers, payload),
    delete: (url: string, headers: Headers = {}): Promise<LightMyRequestResponse> =>
      send('DELETE', url, headers),
  };
}
