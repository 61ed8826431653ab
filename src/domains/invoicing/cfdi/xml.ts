/**
 * The CFDI's XML, written by hand rather than with an XML library: the document is a fixed, small
 * tree of elements with attributes only (no text nodes, no mixed content), every value passes
 * through attributeText()/escapeAttribute(), and the exact bytes matter (the PAC and the SAT read
 * them). The schema test (xmllint against the SAT's XSD) holds the writer to the format.
 */
import { IVA_RATE, pesos, type Split } from './amounts.ts';
import type { Comprobante, Seal } from './model.ts';
import { escapeAttribute } from './text.ts';

export const CFDI_NS = 'http://www.sat.gob.mx/cfd/4';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const SCHEMA_LOCATION = 'http://www.sat.gob.mx/cfd/4 http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd';

type Attrs = ReadonlyArray<readonly [string, string | undefined]>;

export function element(name: string, attrs: Attrs, children?: string): string {
  const written = attrs
    .filter((a): a is readonly [string, string] => a[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`)
    .join('');
  return children === undefined ? `<${name}${written}/>` : `<${name}${written}>${children}</${name}>`;
}

function traslado(split: Split): string {
  return element(
    'cfdi:Traslados',
    [],
    element('cfdi:Traslado', [
      ['Base', pesos(split.base)],
      ['Impuesto', '002'],
      ['TipoFactor', 'Tasa'],
      ['TasaOCuota', IVA_RATE],
      ['Importe', pesos(split.iva)],
    ]),
  );
}

/** The sealed document; `complemento` is the inner XML of cfdi:Complemento (the stamp), if any. */
export function comprobanteXml(c: Comprobante, seal: Seal, complemento?: string): string {
  const g = c.informacionGlobal;
  const body = [
    g
      ? element('cfdi:InformacionGlobal', [
          ['Periodicidad', g.periodicidad],
          ['Meses', g.meses],
          ['Año', String(g.anio)],
        ])
      : '',
    c.relacionados
      ? element(
          'cfdi:CfdiRelacionados',
          [['TipoRelacion', c.relacionados.tipoRelacion]],
          c.relacionados.uuids.map((uuid) => element('cfdi:CfdiRelacionado', [['UUID', uuid]])).join(''),
        )
      : '',
    element('cfdi:Emisor', [
      ['Rfc', c.emisor.rfc],
      ['Nombre', c.emisor.nombre],
      ['RegimenFiscal', c.emisor.regimenFiscal],
    ]),
    element('cfdi:Receptor', [
      ['Rfc', c.receptor.rfc],
      ['Nombre', c.receptor.nombre],
      ['DomicilioFiscalReceptor', c.receptor.domicilioFiscal],
      ['RegimenFiscalReceptor', c.receptor.regimenFiscal],
      ['UsoCFDI', c.receptor.usoCfdi],
    ]),
    element(
      'cfdi:Conceptos',
      [],
      c.conceptos
        .map((k) =>
          element(
            'cfdi:Concepto',
            [
              ['ClaveProdServ', k.claveProdServ],
              ['NoIdentificacion', k.noIdentificacion],
              ['Cantidad', '1'],
              ['ClaveUnidad', k.claveUnidad],
              ['Unidad', k.unidad],
              ['Descripcion', k.descripcion],
              ['ValorUnitario', pesos(k.split.base)],
              ['Importe', pesos(k.split.base)],
              ['ObjetoImp', '02'],
            ],
            element('cfdi:Impuestos', [], traslado(k.split)),
          ),
        )
        .join(''),
    ),
    element('cfdi:Impuestos', [['TotalImpuestosTrasladados', pesos(c.totals.iva)]], traslado(c.totals)),
    complemento === undefined ? '' : element('cfdi:Complemento', [], complemento),
  ].join('');
  const root = element(
    'cfdi:Comprobante',
    [
      ['xmlns:cfdi', CFDI_NS],
      ['xmlns:xsi', XSI_NS],
      ['xsi:schemaLocation', SCHEMA_LOCATION],
      ['Version', '4.0'],
      ['Serie', c.serie],
      ['Folio', c.folio],
      ['Fecha', c.fecha],
      ['Sello', seal.sello],
      ['FormaPago', c.formaPago],
      ['NoCertificado', seal.noCertificado],
      ['Certificado', seal.certificado],
      ['SubTotal', pesos(c.totals.base)],
      ['Moneda', 'MXN'],
      ['Total', pesos(c.totals.total)],
      ['TipoDeComprobante', c.tipo],
      ['Exportacion', '01'],
      ['MetodoPago', c.metodoPago],
      ['LugarExpedicion', c.lugarExpedicion],
    ],
    body,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}`;
}
