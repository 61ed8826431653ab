import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { isNonPublicAddress } from './webhook-urls.ts';

export type AttemptResultKind =
  | 'ok'
  | 'http_error'
  | 'timeout'
  | 'network_error'
  | 'redirect_not_followed'
  | 'address_not_allowed';

/** What one POST to a receiver came to. */
export interface AttemptResult {
  result: AttemptResultKind;
  status: number | null;
  /** For the delivery log: the error, or the start of the receiver's answer. */
  detail: string | null;
  durationMs: number;
}

/** Posts a delivery to a receiver; the delivery worker's only way out (tests may hand in another). */
export interface WebhookSender {
  post(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult>;
}

/** How much of a receiver's answer the log keeps. */
const DETAIL_CHARS = 300;

class AddressNotAllowed extends Error {
  readonly code = 'ADDRESS_NOT_ALLOWED';
}

/** Text fit for the log (and for PostgreSQL): control characters become spaces, bounded. */
function clean(text: string): string {
  let out = '';
  for (const c of text.slice(0, DETAIL_CHARS * 2)) {
    const code = c.codePointAt(0) ?? 0;
    out += code < 32 || code === 127 ? ' ' : c;
  }
  return out.replace(/ +/g, ' ').trim().slice(0, DETAIL_CHARS);
}

/**
 * Resolves a name as Node would, then refuses to connect when any address it gave is not public:
 * checked at each connection, so a name that later points at a private address is refused then.
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const bad = addresses.find((a) => isNonPublicAddress(a.address));
    if (bad || addresses.length === 0)
      return callback(new AddressNotAllowed(`${hostname} resolves to ${bad?.address ?? 'nothing'}`), '', 0);
    if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const [first] = addresses;
    callback(null, first?.address ?? '', first?.family ?? 4);
  });
};

/**
 * Outbound HTTP for webhooks (node:http, no pooling): one POST with a deadline for the whole
 * exchange, redirects never followed (a 3xx is a failed attempt: a redirect could send the
 * signed event to another host), and — unless private addresses are allowed — no connection to
 * a loopback or private address, whether the URL names it or a name resolves to it.
 */
export class HttpWebhookSender implements WebhookSender {
  constructor(private readonly options: { timeoutMs: number; allowPrivate: boolean }) {}

  post(url: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (!this.options.allowPrivate && isIP(host) && isNonPublicAddress(host))
      return Promise.resolve({
        result: 'address_not_allowed',
        status: null,
        detail: `${host} is not a public address`,
        durationMs: 0,
      });
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      const finish = (result: Omit<AttemptResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve({ ...result, durationMs: elapsed() });
      };
      const request = transport.request(
        target,
        {
          method: 'POST',
          agent: false,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
          ...(this.options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
        },
        (response) => {
          const status = response.statusCode ?? 0;
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (text.length < DETAIL_CHARS) text += chunk;
          });
          response.on('error', () => {});
          response.on('end', () => {
            if (status >= 200 && status < 300) finish({ result: 'ok', status, detail: clean(text) || null });
            else if (status >= 300 && status < 400)
              finish({
                result: 'redirect_not_followed',
                status,
                detail: clean(`redirect to ${response.headers.location ?? '(no location)'}`),
              });
            else finish({ result: 'http_error', status, detail: clean(text) || null });
          });
        },
      );
      const deadline = setTimeout(() => {
        finish({ result: 'timeout', status: null, detail: `no answer within ${this.options.timeoutMs} ms` });
        request.destroy();
      }, this.options.timeoutMs);
      request.on('error', (error: Error & { code?: string }) => {
        if (error instanceof AddressNotAllowed)
          finish({ result: 'address_not_allowed', status: null, detail: clean(error.message) });
        else finish({ result: 'network_error', status: null, detail: clean(error.code ?? error.message) });
      });
      request.end(body);
    });
  }
}
