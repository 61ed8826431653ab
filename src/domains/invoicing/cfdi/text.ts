/**
 * Text that goes into a CFDI attribute. The SAT's stylesheet applies normalize-space() to every
 * value and the schema collapses white space, so values are collapsed before they are written:
 * the XML then says exactly what the original string says. A pipe is the original string's
 * separator and control characters cannot be written in XML 1.0: both are refused.
 */
import { CfdiError } from './errors.ts';

export function collapse(value: string): string {
  return value.replace(/[ \t\r\n]+/g, ' ').trim();
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const FORBIDDEN = /[|\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/;

export function attributeText(value: string, field: string, max: number): string {
  const text = collapse(value);
  if (text.length === 0)
    throw new CfdiError('CFDI_DOCUMENT_INVALID', `${field}: no puede estar vacío`, field);
  if (text.length > max) {
    throw new CfdiError('CFDI_DOCUMENT_INVALID', `${field}: admite a lo más ${max} caracteres`, field);
  }
  if (FORBIDDEN.test(text)) {
    throw new CfdiError('CFDI_DOCUMENT_INVALID', `${field}: contiene un carácter no permitido`, field);
  }
  return text;
}

export function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
