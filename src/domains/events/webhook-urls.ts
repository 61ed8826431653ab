import { BlockList, isIP } from 'node:net';
import { AppError } from '../../lib/errors.ts';
import './errors.ts';

/**
 * Where webhooks may go. Off the loopback and private networks in production, so that a partner's
 * endpoint cannot make Libra call its own machine, its database or the cloud's metadata service
 * (server-side request forgery); tests and a developer's machine allow them by configuration
 * (WEBHOOK_ALLOW_PRIVATE_URLS), since their receivers listen on loopback.
 */
export interface UrlPolicy {
  /** Loopback, private, link-local and other non-public addresses are allowed (test, development). */
  allowPrivate: boolean;
  /** Only https (production). */
  requireHttps: boolean;
}

const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');

/** Whether an IP address (v4 or v6) is not a public one; a v4-mapped v6 address is judged as its v4. */
export function isNonPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return NOT_PUBLIC.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 4) return NOT_PUBLIC.check(address, 'ipv4');
  if (family === 6) return NOT_PUBLIC.check(address, 'ipv6');
  return true;
}

function refuse(reason: string): never {
  throw new AppError('WEBHOOK_URL_NOT_ALLOWED', { extensions: { field: 'body/url', reason } });
}

/**
 * Checks an endpoint's URL when it is given. A name is resolved only when a delivery connects (and
 * checked then, every time: a name may point elsewhere tomorrow); here only what the text says.
 */
export function checkWebhookUrl(text: string, policy: UrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse('not_a_url');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse('scheme');
  if (policy.requireHttps && url.protocol !== 'https:') refuse('https_required');
  if (url.username || url.password) refuse('credentials');
  if (!url.hostname) refuse('host');
  if (!policy.allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && isNonPublicAddress(host)) refuse('address_not_public');
    // A single-label name (`intranet`) resolves on the local network.
    if (host === 'localhost' || host.endsWith('.localhost') || (!isIP(host) && !host.includes('.')))
      refuse('address_not_public');
  }
  return url;
}
