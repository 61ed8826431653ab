/**
 * PDFs of the invoicing domain: the CFDI's printed representation (invoice, global invoice,
 * credit note) and the payment receipt of any paid charge. Pure: data in, bytes out.
 */
export {
  DEMO_LEGEND,
  documentTitle,
  type InvoicePdfOptions,
  type InvoicePdfSource,
  PRINTED_LEGEND,
  renderInvoicePdf,
} from './invoice-pdf.ts';
export { type PrintedCfdi, printedCfdi } from './printed-cfdi.ts';
export { qrPng } from './qr.ts';
export { RECEIPT_NOT_CFDI, type ReceiptPdfData, renderReceiptPdf } from './receipt-pdf.ts';
