/**
 * What the printed representation shows, read from the stamped XML: what is printed is exactly
 * what was sealed and stamped, whether the caller kept the XML or holds the stamp in memory. The
 * documents are Libra's own (attributes only, one TFD), so attributes are read without a parser.
 */
import { tfdOriginalString } from '../cfdi/original-string.ts';
import { attributeOf } from '../cfdi/sandbox-pac.ts';

export interface PrintedConcept {
  claveProdServ: string;
  noIdentificacion?: string;
  cantidad: string;
  claveUnidad: string;
  unidad?: string;
  descripcion: string;
  valorUnitario: number;
  importe: number;
  objetoImp: string;
  ivaCentavos: number;
}

export interface PrintedCfdi {
  tipo: string;
  serie?: string;
  folio?: string;
  fecha: string;
  lugarExpedicion: string;
  formaPago?: string;
  metodoPago?: string;
  moneda: string;
  exportacion: string;
  noCertificado: string;
  sello: string;
  emisor: { rfc: string; nombre: string; regimenFiscal: string };
  receptor: { rfc: string; nombre: string; domicilioFiscal: string; regimenFiscal: string; usoCfdi: string };
  informacionGlobal?: { periodicidad: string; meses: string; anio: string };
  relacionados?: { tipoRelacion: string; uuids: string[] };
  conceptos: PrintedConcept[];
  subTotal: number;
  iva: number;
  total: number;
  stamp: {
    uuid: string;
    fechaTimbrado: string;
    rfcProvCertif: string;
    noCertificadoSat: string;
    selloCfd: string;
    selloSat: string;
    leyenda?: string;
    originalString: string;
  };
}

/** "218.00" → 21800: the XML's amounts are exact two-decimal strings (six for TasaOCuota). */
export function centavosOf(amount: string | undefined): number {
  const match = /^(\d+)(?:\.(\d{1,2})\d*)?$/.exec(amount ?? '');
  if (!match) throw new Error(`not an amount: ${amount}`);
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

function required(fragment: string, tag: string, name: string): string {
  const value = attributeOf(fragment, tag, name);
  if (value === undefined) throw new Error(`the stamped CFDI has no ${tag}/@${name}`);
  return value;
}

const optional = (fragment: string, tag: string, name: string) => attributeOf(fragment, tag, name);

export function printedCfdi(stampedXml: string): PrintedCfdi {
  const c = (name: string) => required(stampedXml, 'cfdi:Comprobante', name);
  const tfd = /<tfd:TimbreFiscalDigital\s[^>]*>/.exec(stampedXml)?.[0];
  if (!tfd) throw new Error('the CFDI is not stamped: no tfd:TimbreFiscalDigital');
  const t = (name: string) => required(tfd, 'tfd:TimbreFiscalDigital', name);
  const conceptos = [...stampedXml.matchAll(/<cfdi:Concepto\s[^>]*?(?:\/>|>[\s\S]*?<\/cfdi:Concepto>)/g)].map(
    ([block]) => {
      const k = (name: string) => optional(block, 'cfdi:Concepto', name);
      const unidad = k('Unidad');
      const noIdentificacion = k('NoIdentificacion');
      return {
        claveProdServ: k('ClaveProdServ') ?? '',
        ...(noIdentificacion ? { noIdentificacion } : {}),
        cantidad: k('Cantidad') ?? '1',
        claveUnidad: k('ClaveUnidad') ?? '',
        ...(unidad ? { unidad } : {}),
        descripcion: k('Descripcion') ?? '',
        valorUnitario: centavosOf(k('ValorUnitario')),
        importe: centavosOf(k('Importe')),
        objetoImp: k('ObjetoImp') ?? '',
        ivaCentavos: centavosOf(optional(block, 'cfdi:Traslado', 'Importe') ?? '0'),
      };
    },
  );
  const global = /<cfdi:InformacionGlobal\s[^>]*>/.exec(stampedXml)?.[0];
  const relacionados = /<cfdi:CfdiRelacionados\s[^>]*>[\s\S]*?<\/cfdi:CfdiRelacionados>/.exec(
    stampedXml,
  )?.[0];
  const leyenda = optional(tfd, 'tfd:TimbreFiscalDigital', 'Leyenda');
  const stampFields = {
    uuid: t('UUID'),
    fechaTimbrado: t('FechaTimbrado'),
    rfcProvCertif: t('RfcProvCertif'),
    selloCfd: t('SelloCFD'),
    noCertificadoSat: t('NoCertificadoSAT'),
    ...(leyenda ? { leyenda } : {}),
  };
  const serie = optional(stampedXml, 'cfdi:Comprobante', 'Serie');
  const folio = optional(stampedXml, 'cfdi:Comprobante', 'Folio');
  const formaPago = optional(stampedXml, 'cfdi:Comprobante', 'FormaPago');
  const metodoPago = optional(stampedXml, 'cfdi:Comprobante', 'MetodoPago');
  return {
    tipo: c('TipoDeComprobante'),
    ...(serie ? { serie } : {}),
    ...(folio ? { folio } : {}),
    fecha: c('Fecha'),
    lugarExpedicion: c('LugarExpedicion'),
    ...(formaPago ? { formaPago } : {}),
    ...(metodoPago ? { metodoPago } : {}),
    moneda: c('Moneda'),
    exportacion: c('Exportacion'),
    noCertificado: c('NoCertificado'),
    sello: c('Sello'),
    emisor: {
      rfc: required(stampedXml, 'cfdi:Emisor', 'Rfc'),
      nombre: required(stampedXml, 'cfdi:Emisor', 'Nombre'),
      regimenFiscal: required(stampedXml, 'cfdi:Emisor', 'RegimenFiscal'),
    },
    receptor: {
      rfc: required(stampedXml, 'cfdi:Receptor', 'Rfc'),
      nombre: required(stampedXml, 'cfdi:Receptor', 'Nombre'),
      domicilioFiscal: required(stampedXml, 'cfdi:Receptor', 'DomicilioFiscalReceptor'),
      regimenFiscal: required(stampedXml, 'cfdi:Receptor', 'RegimenFiscalReceptor'),
      usoCfdi: required(stampedXml, 'cfdi:Receptor', 'UsoCFDI'),
    },
    ...(global
      ? {
          informacionGlobal: {
            periodicidad: required(global, 'cfdi:InformacionGlobal', 'Periodicidad'),
            meses: required(global, 'cfdi:InformacionGlobal', 'Meses'),
            anio: required(global, 'cfdi:InformacionGlobal', 'Año'),
          },
        }
      : {}),
    ...(relacionados
      ? {
          relacionados: {
            tipoRelacion: required(relacionados, 'cfdi:CfdiRelacionados', 'TipoRelacion'),
            uuids: [...relacionados.matchAll(/<cfdi:CfdiRelacionado\s[^>]*UUID="([^"]+)"/g)].map(
              (m) => m[1] ?? '',
            ),
          },
        }
      : {}),
    conceptos,
    subTotal: centavosOf(c('SubTotal')),
    iva: centavosOf(optional(stampedXml, 'cfdi:Impuestos', 'TotalImpuestosTrasladados') ?? '0'),
    total: centavosOf(c('Total')),
    stamp: { ...stampFields, selloSat: t('SelloSAT'), originalString: tfdOriginalString(stampFields) },
  };
}
