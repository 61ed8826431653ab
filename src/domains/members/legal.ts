/**
 * The legal documents a customer accepts when contracting. A new version here means new contracts
 * must accept it; earlier acceptances stay recorded with their own version.
 */
export const CURRENT_TERMS = {
  document: 'terms' as const,
  version: '2024-01',
  // Our own page (src/web/pages/TermsPage.tsx), not the bank's PDF.
  url: '/terminos',
};

export const CURRENT_PRIVACY_NOTICE = {
  document: 'privacy_notice' as const,
  version: '2024-01',
  url: '/aviso-de-privacidad',
};
