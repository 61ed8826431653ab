/**
 * The original string (cadena original) of a CFDI 4.0, computed from the model in the order of
 * the SAT's cadenaoriginal_4_0.xslt: "||" + the values, each normalize-space()d and joined by "|",
 * + "||"; optional attributes only when present. Production computes it here rather than running
 * xsltproc per document (no child process, no native tool at run time); the tests prove it equal
 * to xsltproc's output with the SAT's stylesheet for every document kind and payment form.
 */
import { IVA_RATE, pesos, type Split } from './amounts.ts';
import type { Comprobante } from './model.ts';
import { collapse } from './text.ts';

function cadena(values: ReadonlyArray<string | undefined>): string {
  return `||${values
    .filter((v): v is string => v !== undefined)
    .map(collapse)
    .join('|')}||`;
}

function trasladoValues(split: Split): string[] {
  return [pesos(split.base), '002', 'Tasa', IVA_RATE, pesos(split.iva)];
}

export function originalString(c: Comprobante, noCertificado: string): string {
  const values: Array<string | undefined> = [
    '4.0',
    c.serie,
    c.folio,
    c.fecha,
    c.formaPago,
    noCertificado,
    pesos(c.totals.base),
    'MXN',
    pesos(c.totals.total),
    c.tipo,
    '01',
    c.metodoPago,
    c.lugarExpedicion,
  ];
  if (c.informacionGlobal) {
    const g = c.informacionGlobal;
    values.push(g.periodicidad, g.meses, String(g.anio));
  }
  if (c.relacionados) values.push(c.relacionados.tipoRelacion, ...c.relacionados.uuids);
  values.push(c.emisor.rfc, c.emisor.nombre, c.emisor.regimenFiscal);
  const r = c.receptor;
  values.push(r.rfc, r.nombre, r.domicilioFiscal, r.regimenFiscal, r.usoCfdi);
  for (const k of c.conceptos) {
    values.push(
      k.claveProdServ,
      k.noIdentificacion,
      '1',
      k.claveUnidad,
      k.unidad,
      k.descripcion,
      pesos(k.split.base),
      pesos(k.split.base),
      '02',
      ...trasladoValues(k.split),
    );
  }
  values.push(...trasladoValues(c.totals), pesos(c.totals.iva));
  return cadena(values);
}

/** The stamp's original string, in the order of cadenaoriginal_TFD_1_1.xslt. */
export function tfdOriginalString(t: {
  uuid: string;
  fechaTimbrado: string;
  rfcProvCertif: string;
  leyenda?: string;
  selloCfd: string;
  noCertificadoSat: string;
}): string {
  return cadena(['1.1', t.uuid, t.fechaTimbrado, t.rfcProvCertif, t.leyenda, t.selloCfd, t.noCertificadoSat]);
}
