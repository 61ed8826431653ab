/**
 * What any PAC adapter's stamp must satisfy, as a list of problems (empty when right): the
 * TimbreFiscalDigital validates against the SAT's schema and the stamped CFDI against both, the
 * stamp's fields are the ones in its XML, its original string is the SAT stylesheet's, SelloCFD
 * is the document's seal, SelloSAT verifies with the PAC's certificate, and the CFDI itself is
 * unchanged. The sandbox's tests use it; a real PAC adapter's tests (against a local server that
 * answers in the PAC's format) can use it too. Needs xsltproc and xmllint.
 */
import type { X509Certificate } from 'node:crypto';
import type { Stamp } from './pac.ts';
import { attributeOf } from './sandbox-pac.ts';
import { SAT_FILES } from './sat-files.ts';
import { xmllintSchema, xsltproc } from './sat-tools.ts';
import { verifyText } from './seal.ts';

export async function stampProblems(
  stamp: Stamp,
  requestXml: string,
  pacCertificate?: X509Certificate,
): Promise<string[]> {
  const problems: string[] = [];
  const tfdElement = /<tfd:TimbreFiscalDigital [^>]*\/>/.exec(stamp.xml)?.[0];
  if (!tfdElement) return ['no tfd:TimbreFiscalDigital in the stamped XML'];
  const tfd = `<?xml version="1.0" encoding="UTF-8"?>\n${tfdElement}`;
  const tfdSchema = await xmllintSchema(SAT_FILES.tfdSchema, tfd);
  if (!tfdSchema.ok) problems.push(`TFD schema: ${tfdSchema.messages}`);
  const whole = await xmllintSchema(SAT_FILES.stampedSchema, stamp.xml);
  if (!whole.ok) problems.push(`stamped CFDI schema: ${whole.messages}`);
  const fields: Array<[keyof Stamp, string]> = [
    ['uuid', 'UUID'],
    ['fechaTimbrado', 'FechaTimbrado'],
    ['rfcProvCertif', 'RfcProvCertif'],
    ['selloCfd', 'SelloCFD'],
    ['noCertificadoSat', 'NoCertificadoSAT'],
    ['selloSat', 'SelloSAT'],
  ];
  for (const [key, attribute] of fields) {
    if (attributeOf(tfdElement, 'tfd:TimbreFiscalDigital', attribute) !== stamp[key]) {
      problems.push(`${key} differs from the XML's ${attribute}`);
    }
  }
  const reference = await xsltproc(SAT_FILES.tfdStylesheet, tfd);
  if (stamp.originalString !== reference)
    problems.push('the original string differs from the SAT stylesheet');
  if (stamp.selloCfd !== attributeOf(requestXml, 'cfdi:Comprobante', 'Sello')) {
    problems.push("SelloCFD is not the document's seal");
  }
  if (pacCertificate && !verifyText(reference, stamp.selloSat, pacCertificate)) {
    problems.push("SelloSAT does not verify with the PAC's certificate");
  }
  const [before, after] = await Promise.all([
    xsltproc(SAT_FILES.cfdiStylesheet, requestXml),
    xsltproc(SAT_FILES.cfdiStylesheet, stamp.xml),
  ]);
  if (before !== after) problems.push("the stamp changed the CFDI's original string");
  return problems;
}
