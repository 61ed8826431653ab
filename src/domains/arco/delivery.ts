import type { Actor } from '../../platform/principal.ts';
import { introOf, type Readable, readable, SECTIONS } from './readable.ts';

/**
 * The person's data for an accepted access request (LFPDPPP art. 33: delivered as copies or
 * electronic documents): assembled from each owning domain through its own reads — which check
 * who may reach the membership and audit staff reads — and kept with the answer as delivered.
 */
export interface DeliverySources {
  membership(actor: Actor, membershipId: string): Promise<unknown>;
  charges(actor: Actor, membershipId: string): Promise<unknown[]>;
  cases(actor: Actor, membershipId: string): Promise<unknown[]>;
  complaints(actor: Actor, membershipId: string): Promise<unknown[]>;
  messages(actor: Actor, membershipId: string): Promise<unknown[]>;
  consents(membershipId: string): Promise<unknown[]>;
  arcoRequests(userId: string): Promise<unknown[]>;
  oppositions(membershipId: string): Promise<string[]>;
}

export interface Delivery {
  folio: string;
  generatedAt: string;
  membership: unknown;
  charges: unknown[];
  cases: unknown[];
  complaints: unknown[];
  messages: unknown[];
  consents: unknown[];
  arcoRequests: unknown[];
  opposedPurposes: string[];
}

/** One read after the other: each source runs its own transaction (PGlite has one connection). */
export async function assembleDelivery(
  sources: DeliverySources,
  actor: Actor,
  request: { number: string; membershipId: string; userId: string },
  now: Date,
): Promise<Delivery> {
  const id = request.membershipId;
  return {
    folio: request.number,
    generatedAt: now.toISOString(),
    membership: await sources.membership(actor, id),
    charges: await sources.charges(actor, id),
    cases: await sources.cases(actor, id),
    complaints: await sources.complaints(actor, id),
    messages: await sources.messages(actor, id),
    consents: await sources.consents(id),
    arcoRequests: await sources.arcoRequests(request.userId),
    opposedPurposes: await sources.oppositions(id),
  };
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

function html(node: Readable): string {
  if (node.kind === 'text')
    return node.text === '—' || node.text === 'Ninguno'
      ? `<span class="none">${escapeHtml(node.text)}</span>`
      : escapeHtml(node.text);
  if (node.kind === 'list') return `<ol>${node.items.map((item) => `<li>${html(item)}</li>`).join('')}</ol>`;
  return `<dl>${node.fields.map((f) => `<dt>${escapeHtml(f.label)}</dt><dd>${html(f.value)}</dd>`).join('')}</dl>`;
}

/** The same data as the JSON, as a page a person can read and print (the PDF says the same). */
export function deliveryHtml(delivery: Delivery): string {
  const body = SECTIONS.map(
    ([key, title]) => `<section><h2>${escapeHtml(title)}</h2>${html(readable(delivery[key], key))}</section>`,
  ).join('\n');
  return `<!doctype html>
<html lang="es-MX">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tus datos personales · ${escapeHtml(delivery.folio)}</title>
<style>
body{font-family:system-ui,sans-serif;color:#10213a;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{color:#0b3a6f}h2{color:#0b3a6f;border-bottom:2px solid #0f8b8d;padding-bottom:.25rem;margin-top:2rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.25rem 0}
dt{font-weight:600}dd{margin:0}ol{padding-left:1.25rem}li{margin:.5rem 0;border-left:3px solid #d6e3f0;padding-left:.5rem}
.none{color:#4a5a70}
</style>
</head>
<body>
<main>
<h1>Tus datos personales</h1>
<p>${escapeHtml(introOf(delivery))} Guarda o imprime esta página.</p>
${body}
</main>
</body>
</html>
`;
}
