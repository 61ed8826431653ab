/**
 * The sandbox PAC: stamps locally with a TimbreFiscalDigital 1.1 signed by the repository's test
 * key (sat/sandbox-pac), RfcProvCertif AAA010101AAA and a Leyenda saying it has no validity before
 * the SAT. Like the payment sandbox, it lets the whole flow run without a provider. Idempotent per
 * documentId (and per seal); keeps its stamps in a store, backed by the database in the app.
 */
import { createHash, createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { type Clock, MEXICO_CITY } from '../../../lib/clock.ts';
import { CANCELLATION_REASONS } from './catalogues.ts';
import { certificateNumber } from './csd.ts';
import { CfdiError } from './errors.ts';
import { tfdOriginalString } from './original-string.ts';
import type { Cancellation, CancelRequest, PacPort, Stamp, StampRequest } from './pac.ts';
import { SAT_FILES } from './sat-files.ts';
import { signText, verifyText } from './seal.ts';
import { element, XSI_NS } from './xml.ts';

export const SANDBOX_RFC_PROV_CERTIF = 'AAA010101AAA';
export const SANDBOX_LEYENDA = 'Timbre de prueba de Libra - sin validez ante el SAT';
const TFD_NS = 'http://www.sat.gob.mx/TimbreFiscalDigital';
const TFD_LOCATION = `${TFD_NS} http://www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd`;

export interface SandboxRecord {
  documentId: string;
  xmlHash: string;
  stamp: Stamp;
  cancellation?: Cancellation;
}

/**
 * Where the sandbox keeps what it stamped, as a real PAC keeps it on its side: in memory by
 * default (tests of the core), in the database in the app (invoicing's SandboxPacRepository), so
 * that every process and a restarted one know each stamp. The first record of a document wins.
 */
export interface SandboxPacStore {
  byDocument(documentId: string): Promise<SandboxRecord | undefined>;
  byUuid(uuid: string): Promise<SandboxRecord | undefined>;
  /** Keeps the document's stamp unless one is kept already; answers the one kept. */
  addStamp(record: SandboxRecord): Promise<SandboxRecord>;
  /** Records the document's cancellation unless it has one; answers the record as kept. */
  addCancellation(documentId: string, cancellation: Cancellation): Promise<SandboxRecord>;
}

export function memorySandboxStore(): SandboxPacStore {
  const documents = new Map<string, SandboxRecord>();
  const uuids = new Map<string, SandboxRecord>();
  const keep = (record: SandboxRecord) => {
    documents.set(record.documentId, record);
    uuids.set(record.stamp.uuid, record);
    return record;
  };
  return {
    byDocument: async (id) => documents.get(id),
    byUuid: async (uuid) => uuids.get(uuid.toUpperCase()),
    addStamp: async (record) => documents.get(record.documentId) ?? keep(record),
    addCancellation: async (documentId, cancellation) => {
      const record = documents.get(documentId);
      if (!record) throw new Error(`no stamp of ${documentId}`);
      return record.cancellation ? record : keep({ ...record, cancellation });
    },
  };
}

function unescapeAttribute(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** An attribute of the first element named `tag` (the documents are Libra's own, attribute-only). */
export function attributeOf(xml: string, tag: string, name: string): string | undefined {
  const start = new RegExp(`<${tag}\\s[^>]*>`).exec(xml)?.[0];
  const value = start ? new RegExp(`\\s${name}="([^"]*)"`).exec(start)?.[1] : undefined;
  return value === undefined ? undefined : unescapeAttribute(value);
}

/** A stable UUID (version 4 layout) for a document: the same document always gets the same one. */
function uuidFor(issuerRfc: string, documentId: string): string {
  const h = createHash('sha256').update(`libra-sandbox-pac\n${issuerRfc}\n${documentId}`).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x40;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface SandboxPacOptions {
  clock: Clock;
  store?: SandboxPacStore;
  /**
   * Recomputes a document's original string from its XML (e.g. xsltproc with the SAT's stylesheet)
   * so the sandbox checks the seal like a real PAC; without it only the document's shape is checked.
   */
  originalStringOf?: (xml: string) => Promise<string>;
  certificatePem?: string;
  keyPem?: string;
}

export class SandboxPac implements PacPort {
  readonly name = 'sandbox';
  private readonly store: SandboxPacStore;
  private readonly key: KeyObject;
  private readonly noCertificadoSat: string;
  readonly certificate: X509Certificate;

  constructor(private readonly options: SandboxPacOptions) {
    this.store = options.store ?? memorySandboxStore();
    this.certificate = new X509Certificate(
      options.certificatePem ?? readFileSync(SAT_FILES.sandboxPacCertificate),
    );
    this.key = createPrivateKey(options.keyPem ?? readFileSync(SAT_FILES.sandboxPacKey));
    this.noCertificadoSat = certificateNumber(this.certificate.serialNumber);
  }

  /** Stamps under way, so two concurrent requests for one document share one stamp. */
  private readonly inFlight = new Map<string, Promise<Stamp>>();

  stamp(request: StampRequest): Promise<Stamp> {
    const running = this.inFlight.get(request.documentId);
    if (running) return running.then(() => this.stampOnce(request));
    const work = this.stampOnce(request).finally(() => this.inFlight.delete(request.documentId));
    this.inFlight.set(request.documentId, work);
    return work;
  }

  private async stampOnce(request: StampRequest): Promise<Stamp> {
    const xmlHash = createHash('sha256').update(request.xml).digest('hex');
    const known = await this.store.byDocument(request.documentId);
    if (known) {
      if (known.xmlHash !== xmlHash) {
        throw new CfdiError('PAC_CONFLICT', 'Este documento ya se timbró con otro contenido', 'documentId');
      }
      return known.stamp;
    }
    const fields = await this.check(request.xml);
    const uuid = uuidFor(fields.issuerRfc, request.documentId);
    const now = DateTime.fromJSDate(this.options.clock.now(), { zone: MEXICO_CITY }).toFormat(
      "yyyy-MM-dd'T'HH:mm:ss",
    );
    // Never before the document's date; same local format, so text order is time order.
    const fechaTimbrado = [now, fields.fecha].sort()[1] ?? now;
    const tfd = {
      uuid,
      fechaTimbrado,
      rfcProvCertif: SANDBOX_RFC_PROV_CERTIF,
      leyenda: SANDBOX_LEYENDA,
      selloCfd: fields.sello,
      noCertificadoSat: this.noCertificadoSat,
    };
    const originalString = tfdOriginalString(tfd);
    const selloSat = signText(originalString, this.key);
    const tfdXml = element('tfd:TimbreFiscalDigital', [
      ['xmlns:tfd', TFD_NS],
      ['xmlns:xsi', XSI_NS],
      ['xsi:schemaLocation', TFD_LOCATION],
      ['Version', '1.1'],
      ['UUID', uuid],
      ['FechaTimbrado', fechaTimbrado],
      ['RfcProvCertif', SANDBOX_RFC_PROV_CERTIF],
      ['Leyenda', SANDBOX_LEYENDA],
      ['SelloCFD', fields.sello],
      ['NoCertificadoSAT', this.noCertificadoSat],
      ['SelloSAT', selloSat],
    ]);
    const close = '</cfdi:Comprobante>';
    const xml = `${request.xml.slice(0, request.xml.lastIndexOf(close))}<cfdi:Complemento>${tfdXml}</cfdi:Complemento>${close}`;
    const stamp: Stamp = { ...tfd, selloSat, originalString, xml };
    // Another process may have stamped the document meanwhile: the first stamp is the stamp.
    const kept = await this.store.addStamp({ documentId: request.documentId, xmlHash, stamp });
    if (kept.xmlHash !== xmlHash) {
      throw new CfdiError('PAC_CONFLICT', 'Este documento ya se timbró con otro contenido', 'documentId');
    }
    return kept.stamp;
  }

  async cancel(request: CancelRequest): Promise<Cancellation> {
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
    const record = await this.store.byUuid(request.uuid);
    if (!record || attributeOf(record.stamp.xml, 'cfdi:Emisor', 'Rfc') !== request.issuerRfc) {
      throw new CfdiError(
        'PAC_NOT_FOUND',
        'El UUID no corresponde a un comprobante timbrado de este emisor',
        'uuid',
      );
    }
    if (record.cancellation) return record.cancellation;
    if (request.substituteUuid) {
      const substitute = await this.store.byUuid(request.substituteUuid);
      if (!substitute || substitute.stamp.uuid === record.stamp.uuid) {
        throw new CfdiError(
          'PAC_REJECTED',
          'El UUID sustituto debe ser otro comprobante timbrado',
          'substituteUuid',
        );
      }
    }
    const cancellation: Cancellation = {
      uuid: record.stamp.uuid,
      status: 'cancelled',
      reason: request.reason,
      ...(request.substituteUuid ? { substituteUuid: request.substituteUuid.toUpperCase() } : {}),
      cancelledAt: this.options.clock.now().toISOString(),
    };
    const kept = await this.store.addCancellation(record.documentId, cancellation);
    return kept.cancellation ?? cancellation;
  }

  /** What a PAC checks before stamping (the subset a sandbox can): shape, and the seal if it can. */
  private async check(xml: string) {
    const get = (name: string) => attributeOf(xml, 'cfdi:Comprobante', name);
    const version = get('Version');
    const sello = get('Sello');
    const certificado = get('Certificado');
    const fecha = get('Fecha');
    const issuerRfc = attributeOf(xml, 'cfdi:Emisor', 'Rfc');
    if (
      version !== '4.0' ||
      !sello ||
      !certificado ||
      !fecha ||
      !issuerRfc ||
      !xml.includes('</cfdi:Comprobante>')
    ) {
      throw new CfdiError('PAC_REJECTED', 'El XML no es un CFDI 4.0 sellado');
    }
    if (xml.includes('<cfdi:Complemento>') && xml.includes('TimbreFiscalDigital')) {
      throw new CfdiError('PAC_REJECTED', 'El CFDI ya tiene un timbre');
    }
    if (this.options.originalStringOf) {
      const cadena = await this.options.originalStringOf(xml);
      const certificate = new X509Certificate(Buffer.from(certificado, 'base64'));
      if (!verifyText(cadena, sello, certificate)) {
        throw new CfdiError('PAC_REJECTED', 'El sello del CFDI no corresponde a su cadena original');
      }
    }
    return { sello, fecha, issuerRfc };
  }
}
