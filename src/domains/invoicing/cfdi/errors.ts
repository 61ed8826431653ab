/**
 * The CFDI core's one error type. It carries a stable code, the field it is about and a Spanish
 * sentence (what finance or the customer reads); the lead maps codes to problem documents when
 * the routes exist.
 */
export type CfdiErrorCode =
  | 'CFDI_AMOUNT_INVALID'
  | 'CFDI_DOCUMENT_INVALID'
  | 'CFDI_FISCAL_DATA_INVALID'
  | 'CSD_INVALID'
  | 'CSD_PASSWORD_WRONG'
  | 'CSD_RFC_MISMATCH'
  | 'CSD_EXPIRED'
  | 'CSD_KEY_MISMATCH'
  | 'PAC_REJECTED'
  | 'PAC_CONFLICT'
  | 'PAC_NOT_FOUND'
  | 'PAC_AUTH_FAILED'
  | 'PAC_UNAVAILABLE';

export class CfdiError extends Error {
  constructor(
    readonly code: CfdiErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CfdiError';
  }
}
