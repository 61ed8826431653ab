/**
 * The PAC port over SW Sapien's REST API (developers.sw.com.mx; docs/decisions.md
 * says why this PAC). Stamping is "Timbrado V4 – CustomID": the sealed XML goes as multipart
 * form field `xml`, with a `customid` header the PAC keeps for 72 hours, so a retry after a timeout
 * answers "307. El comprobante contiene un timbre previo." with the first stamp instead of a second
 * UUID. Cancelling is by UUID with the CSD already uploaded to the PAC's account. Every answer is
 * `{ status: "success" | "error", message, messageDetail, data }`; errors map to CfdiError codes.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../../lib/clock.ts';
import { CANCELLATION_REASONS } from './catalogues.ts';
import { CfdiError } from './errors.ts';
import { tfdOriginalString } from './original-string.ts';
import type { Cancellation, CancelRequest, PacPort, Stamp, StampRequest } from './pac.ts';
import { attributeOf } from './sandbox-pac.ts';

export interface SwPacOptions {
  /** https://services.test.sw.com.mx (tests) or https://services.sw.com.mx. */
  url: string;
  /** A "token infinito" from the PAC's portal; or user and password for two-hour tokens. */
  token?: string;
  user?: string;
  password?: string;
  /** Longest wait for one call; past it the call is PAC_UNAVAILABLE (retry with the same request). */
  timeoutMs?: number;
  clock: Clock;
}

interface SwAnswer {
  status?: string;
  message?: string | null;
  messageDetail?: string | null;
  data?: Record<string, unknown> | null;
}

interface Reply {
  httpStatus: number;
  body: SwAnswer;
}

/** SAT acknowledgement codes per UUID in a cancellation: received, or already cancelled. */
const CANCEL_ACCEPTED = new Set(['201', '202']);
/** The UUID does not exist, or is not the issuer's. */
const CANCEL_NOT_FOUND = new Set(['203', '205']);
const CUSTOM_ID_MAX = 100;
/** Renew a user/password token this long before it expires, so no call races the expiry. */
const TOKEN_MARGIN_MS = 5 * 60_000;

const unavailable = (why: string) =>
  new CfdiError('PAC_UNAVAILABLE', `El PAC no respondió como se esperaba (${why}); intenta de nuevo`);

export class SwPac implements PacPort {
  readonly name = 'sw';
  private readonly base: string;
  private readonly timeoutMs: number;
  private session: { token: string; expiresAt: number } | undefined;

  constructor(private readonly options: SwPacOptions) {
    if (!options.token && !(options.user && options.password)) {
      throw new Error('SwPac needs a token, or a user and a password');
    }
    this.base = options.url.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async stamp(request: StampRequest): Promise<Stamp> {
    const { httpStatus, body } = await this.authorized((token) => {
      const form = new FormData();
      form.append('xml', new Blob([request.xml], { type: 'text/xml' }), 'cfdi.xml');
      return this.call('/v4/cfdi33/stamp/v4', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, customid: customId(request.documentId) },
        body: form,
      });
    });
    if (body.status === 'success') return stampOf(body.data);
    const code = errorCode(body.message);
    if (code === '307' || code === 'CFDI3307') {
      // Stamped before under this customid: ours when the stamp seals this very XML.
      const previous = typeof body.data?.cfdi === 'string' ? stampOf(body.data) : undefined;
      if (previous && previous.selloCfd === attributeOf(request.xml, 'cfdi:Comprobante', 'Sello'))
        return previous;
      throw new CfdiError(
        'PAC_CONFLICT',
        'Este documento ya se timbró con otro contenido o el PAC no devolvió su timbre',
        'documentId',
      );
    }
    throw rejected(httpStatus, body);
  }

  async cancel(request: CancelRequest): Promise<Cancellation> {
    checkCancelRequest(request);
    const parts = [request.issuerRfc, request.uuid, request.reason, request.substituteUuid];
    const path = `/cfdi33/cancel/${parts
      .filter((p) => p !== undefined)
      .map(encodeURIComponent)
      .join('/')}`;
    const { httpStatus, body } = await this.authorized((token) =>
      this.call(path, { method: 'POST', headers: { authorization: `Bearer ${token}` } }),
    );
    if (body.status === 'success') {
      const codes = (body.data?.uuid ?? {}) as Record<string, unknown>;
      const entry = Object.entries(codes).find(([u]) => u.toUpperCase() === request.uuid.toUpperCase());
      const sat = String(entry?.[1] ?? '');
      if (CANCEL_ACCEPTED.has(sat)) {
        return {
          uuid: request.uuid.toUpperCase(),
          status: 'cancelled',
          reason: request.reason,
          ...(request.substituteUuid ? { substituteUuid: request.substituteUuid.toUpperCase() } : {}),
          cancelledAt: this.options.clock.now().toISOString(),
        };
      }
      if (CANCEL_NOT_FOUND.has(sat)) throw notFound();
      throw new CfdiError('PAC_REJECTED', `El SAT no aceptó la cancelación (código ${sat || 'ninguno'})`);
    }
    if (httpStatus === 404 || [...CANCEL_NOT_FOUND].some((c) => errorCode(body.message)?.endsWith(c))) {
      throw notFound();
    }
    throw rejected(httpStatus, body);
  }

  /** Runs a call with a token; a refused temporary token is renewed once, a refused fixed one fails. */
  private async authorized(send: (token: string) => Promise<Reply>): Promise<Reply> {
    const first = await send(await this.token());
    if (!isAuthFailure(first)) return first;
    if (this.options.token) throw authFailed(first.body);
    this.session = undefined;
    const again = await send(await this.token());
    if (isAuthFailure(again)) throw authFailed(again.body);
    return again;
  }

  private async token(): Promise<string> {
    if (this.options.token) return this.options.token;
    const now = this.options.clock.now().getTime();
    if (this.session && this.session.expiresAt - TOKEN_MARGIN_MS > now) return this.session.token;
    const { body } = await this.call('/v2/security/authenticate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: this.options.user, password: this.options.password }),
    });
    const token = body.data?.token;
    if (body.status !== 'success' || typeof token !== 'string') throw authFailed(body);
    // expires_in is an instant in Unix seconds in SW's examples; anything else: the documented 2 h.
    const expires = Number(body.data?.expires_in);
    const expiresAt = expires * 1000 > now ? expires * 1000 : now + 2 * 3_600_000;
    this.session = { token, expiresAt };
    return token;
  }

  /** One HTTP call: a network failure, a timeout, a 5xx or a non-JSON answer is PAC_UNAVAILABLE. */
  private async call(path: string, init: RequestInit): Promise<Reply> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        ...init,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      throw unavailable(name === 'TimeoutError' || name === 'AbortError' ? 'tiempo agotado' : 'sin conexión');
    }
    let text: string;
    try {
      text = await response.text();
    } catch {
      throw unavailable('respuesta interrumpida');
    }
    if (response.status >= 500 || response.status === 429) throw unavailable(`HTTP ${response.status}`);
    try {
      const body = JSON.parse(text) as SwAnswer;
      if (typeof body !== 'object' || body === null) throw new Error('not an object');
      return { httpStatus: response.status, body };
    } catch {
      throw unavailable(`HTTP ${response.status} sin JSON`);
    }
  }
}

/** SW's messages start with their code: "CFDI40102 - …", "307. El comprobante…", "AU2000 - …". */
function errorCode(message: string | null | undefined): string | undefined {
  return /^\s*([A-Z]*\d+)\b/.exec(message ?? '')?.[1];
}

function isAuthFailure(reply: Reply): boolean {
  return (
    reply.httpStatus === 401 || reply.httpStatus === 403 || /^AU\d/.test(errorCode(reply.body.message) ?? '')
  );
}

function authFailed(body: SwAnswer): CfdiError {
  return new CfdiError(
    'PAC_AUTH_FAILED',
    `El PAC rechazó las credenciales configuradas (PAC_TOKEN o PAC_USER/PAC_PASSWORD): ${body.message ?? 'sin detalle'}`,
  );
}

function rejected(httpStatus: number, body: SwAnswer): CfdiError {
  const detail = [body.message, body.messageDetail].filter(Boolean).join(' — ');
  return new CfdiError(
    'PAC_REJECTED',
    `El PAC rechazó la solicitud (HTTP ${httpStatus}): ${detail || 'sin detalle'}`,
  );
}

function notFound(): CfdiError {
  return new CfdiError(
    'PAC_NOT_FOUND',
    'El UUID no corresponde a un comprobante timbrado de este emisor',
    'uuid',
  );
}

/** customid holds up to 100 characters; a longer document id is hashed, still stable. */
function customId(documentId: string): string {
  return documentId.length <= CUSTOM_ID_MAX
    ? documentId
    : createHash('sha256').update(documentId).digest('hex');
}

/** The stamp from a v4 answer: fields read from the stamped XML's TFD, which is what is kept. */
function stampOf(data: Record<string, unknown> | null | undefined): Stamp {
  const xml = typeof data?.cfdi === 'string' ? data.cfdi : undefined;
  const tfd = xml ? /<tfd:TimbreFiscalDigital\s[^>]*>/.exec(xml)?.[0] : undefined;
  if (!xml || !tfd) throw unavailable('respuesta sin CFDI timbrado');
  const get = (name: string) => attributeOf(tfd, 'tfd:TimbreFiscalDigital', name);
  const [uuid, fechaTimbrado, rfcProvCertif, selloCfd, noCertificadoSat, selloSat] = [
    'UUID',
    'FechaTimbrado',
    'RfcProvCertif',
    'SelloCFD',
    'NoCertificadoSAT',
    'SelloSAT',
  ].map(get);
  if (!uuid || !fechaTimbrado || !rfcProvCertif || !selloCfd || !noCertificadoSat || !selloSat) {
    throw unavailable('timbre incompleto');
  }
  if (typeof data?.uuid === 'string' && data.uuid.toUpperCase() !== uuid.toUpperCase()) {
    throw unavailable('el UUID de la respuesta no es el del timbre');
  }
  const leyenda = get('Leyenda');
  const fields = {
    uuid,
    fechaTimbrado,
    rfcProvCertif,
    selloCfd,
    noCertificadoSat,
    ...(leyenda ? { leyenda } : {}),
  };
  // A 307 answer may carry only the cfdi and tfd (SW's v2 shape): the string is then rebuilt.
  const originalString =
    typeof data?.cadenaOriginalSAT === 'string' ? data.cadenaOriginalSAT : tfdOriginalString(fields);
  return {
    uuid,
    fechaTimbrado,
    rfcProvCertif,
    selloCfd,
    noCertificadoSat,
    selloSat,
    ...(leyenda ? { leyenda } : {}),
    originalString,
    xml,
  };
}

/** What the SAT requires of a cancellation, refused before calling the PAC. */
export function checkCancelRequest(request: CancelRequest): void {
  if (!(request.reason in CANCELLATION_REASONS)) {
    throw new CfdiError('PAC_REJECTED', 'El motivo de cancelación debe ser 01, 02, 03 o 04', 'reason');
  }
  if (request.reason === '01' && !request.substituteUuid) {
    throw new CfdiError(
      'PAC_REJECTED',
      'El motivo 01 requiere el UUID del comprobante que sustituye',
      'substituteUuid',
    );
  }
  if (request.reason !== '01' && request.substituteUuid) {
    throw new CfdiError('PAC_REJECTED', 'Solo el motivo 01 lleva un UUID sustituto', 'substituteUuid');
  }
  const uuidPattern = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;
  if (!uuidPattern.test(request.uuid)) throw new CfdiError('PAC_REJECTED', 'El UUID no es válido', 'uuid');
  if (request.substituteUuid && !uuidPattern.test(request.substituteUuid)) {
    throw new CfdiError('PAC_REJECTED', 'El UUID sustituto no es válido', 'substituteUuid');
  }
}
