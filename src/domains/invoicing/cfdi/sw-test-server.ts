/**
 * A local stand-in for SW Sapien's REST API, for the SwPac adapter's tests: node:http on loopback,
 * answering in SW's documented shapes (recorded from developers.sw.com.mx: authenticate, stamp v4
 * with customid, cancel by UUID). Stamps are real: the sandbox PAC signs the TFD with the
 * repository's test key, so the adapter's output can be held to stampProblems. `mode` makes the
 * next stamp answers fail the ways the real service does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../lib/clock.ts';
import { CfdiError } from './errors.ts';
import { SandboxPac } from './sandbox-pac.ts';

export type SwMode = 'ok' | 'validation' | 'slow' | 'outage' | 'html';

export const SW_TEST_USER = 'pruebas@libra.invalid';
export const SW_TEST_PASSWORD = 'contraseña-de-prueba';
export const SW_FIXED_TOKEN =
  'T2lYQ0t4L0RHVkR4dHZ5Nkk1VHNEakZ3Y0J4Nk9GODZuRyt4cE1wVm5tbXB3YVZxTHdOdHAwVXY2NTdJb1hkREtXTzE3dk9p';

export interface SwTestServer {
  url: string;
  sandbox: SandboxPac;
  mode: SwMode;
  /** Milliseconds a `slow` answer waits (it still stamps, as a real PAC past the client's timeout). */
  slowMs: number;
  /** How a repeated customid with the same XML is answered (SW's pages show both, with the stamp). */
  repeatAnswer: '307' | 'CFDI3307';
  /** Every request seen, as "METHOD path". */
  calls: string[];
  /** Temporary tokens issued so far; revoke them to make the next call a 401. */
  tokens: Set<string>;
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

const error = (message: string, messageDetail: string | null = null) => ({
  message,
  messageDetail,
  data: null,
  status: 'error',
});

export async function startSwTestServer(clock: Clock, originalStringOf: (xml: string) => Promise<string>) {
  const sandbox = new SandboxPac({ clock, originalStringOf });
  const stamped = new Map<string, string>();
  let serial = 0;
  const state = {
    mode: 'ok' as SwMode,
    slowMs: 1500,
    repeatAnswer: '307' as '307' | 'CFDI3307',
    calls: [] as string[],
    tokens: new Set<string>(),
  };

  const authorized = (req: IncomingMessage) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return token !== undefined && (token === SW_FIXED_TOKEN || state.tokens.has(token));
  };

  async function stamp(req: IncomingMessage, res: ServerResponse, raw: Buffer) {
    if (state.mode === 'outage') return send(res, 503, error('Servicio no disponible'));
    if (state.mode === 'html') {
      res.writeHead(502, { 'content-type': 'text/html' });
      return res.end('<html><body>Bad gateway</body></html>');
    }
    const form = await new Response(raw, {
      headers: { 'content-type': req.headers['content-type'] ?? '' },
    }).formData();
    const file = form.get('xml');
    const xml = typeof file === 'string' ? file : await (file as Blob).text();
    const customId = String(req.headers.customid ?? '');
    if (state.mode === 'validation') {
      return send(
        res,
        400,
        error(
          'CFDI40108 - El TipoDeComprobante no contiene un valor del catálogo c_TipoDeComprobante.',
          'Validación de estructura',
        ),
      );
    }
    let result: Awaited<ReturnType<SandboxPac['stamp']>>;
    try {
      result = await sandbox.stamp({ documentId: customId, xml });
    } catch (e) {
      if (e instanceof CfdiError && e.code === 'PAC_CONFLICT') {
        return send(
          res,
          400,
          error('CFDI3307 - Timbre duplicado. El customId proporcionado está duplicado.'),
        );
      }
      return send(res, 400, error(`CFDI40102 - ${(e as Error).message}`));
    }
    const data = {
      cadenaOriginalSAT: result.originalString,
      noCertificadoSAT: result.noCertificadoSat,
      noCertificadoCFDI: /NoCertificado="(\d+)"/.exec(xml)?.[1] ?? '',
      uuid: result.uuid.toLowerCase(),
      selloSAT: result.selloSat,
      selloCFDI: result.selloCfd,
      fechaTimbrado: result.fechaTimbrado,
      qrCode: 'iVBORw0KGgo=',
      cfdi: `<?xml version="1.0" encoding="utf-8"?>${result.xml.replace(/^<\?xml[^>]*\?>\s*/, '')}`,
    };
    const again = stamped.has(customId);
    stamped.set(customId, result.uuid);
    const answer = again
      ? {
          message: '307. El comprobante contiene un timbre previo.',
          messageDetail: null,
          data,
          status: 'error',
        }
      : { data, status: 'success' };
    if (state.mode === 'slow') await new Promise((r) => setTimeout(r, state.slowMs));
    send(res, again ? 400 : 200, answer);
  }

  async function cancel(res: ServerResponse, parts: string[]) {
    const [rfc, uuid, motivo, substitute] = parts.map(decodeURIComponent);
    try {
      const done = await sandbox.cancel({
        issuerRfc: rfc ?? '',
        uuid: uuid ?? '',
        reason: motivo as '01',
        ...(substitute ? { substituteUuid: substitute } : {}),
      });
      send(res, 200, {
        data: {
          acuse: `<?xml version="1.0" encoding="utf-8"?><Acuse Fecha="${clock.now().toISOString()}" RfcEmisor="${rfc}"><Folios xmlns="http://cancelacfd.sat.gob.mx"><UUID>${done.uuid}</UUID><EstatusUUID>201</EstatusUUID></Folios></Acuse>`,
          uuid: { [done.uuid]: '201' },
        },
        status: 'success',
      });
    } catch (e) {
      const code = (e as CfdiError).code;
      if (code === 'PAC_NOT_FOUND') {
        return send(res, 200, {
          data: { acuse: '', uuid: { [(uuid ?? '').toUpperCase()]: '205' } },
          status: 'success',
        });
      }
      send(res, 400, error(`CACFDI33 - ${(e as Error).message}`));
    }
  }

  const server: Server = createServer(async (req, res) => {
    const raw = await bodyOf(req);
    const path = (req.url ?? '').split('?')[0] ?? '';
    state.calls.push(`${req.method} ${path}`);
    if (req.method === 'POST' && path === '/v2/security/authenticate') {
      const { user, password } = JSON.parse(raw.toString('utf8') || '{}');
      if (user !== SW_TEST_USER || password !== SW_TEST_PASSWORD) {
        return send(
          res,
          401,
          error('AU2000 - El usuario y/o contraseña son inválidos, no se puede autenticar el servicio.'),
        );
      }
      const token = `temp-${++serial}`;
      state.tokens.add(token);
      const expires = Math.floor(clock.now().getTime() / 1000) + 7200;
      return send(res, 200, {
        data: { token, expires_in: expires, tokeny_type: 'Bearer' },
        status: 'success',
      });
    }
    if (!authorized(req)) return send(res, 401, error('AU4101 - El token proporcionado viene vacio.'));
    if (req.method === 'POST' && path.replace(/\/$/, '') === '/v4/cfdi33/stamp/v4')
      return stamp(req, res, raw);
    const cancelPath = /^\/cfdi33\/cancel\/(.+)$/.exec(path);
    if (req.method === 'POST' && cancelPath?.[1]) return cancel(res, cancelPath[1].split('/'));
    send(res, 404, error('Not found'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const handle: SwTestServer = Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    sandbox,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return handle;
}
