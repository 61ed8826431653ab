/** What each message of the catalogue is written from: the facts of its event, never words. */

export type Language = 'es' | 'en';
export type Bilingual = Record<Language, string>;

/** The four ARCO rights (LFPDPPP art. 28); the messages name them in words. */
export type ArcoRight = 'access' | 'rectification' | 'cancellation' | 'opposition';

export interface MessageParams {
  membership_welcome: {
    membershipNumber: string;
    planName: string;
    monthlyCentavos: number;
    /** The end of the free months, when the plan has them. */
    freeUntil: Date | null;
    firstChargeAt: Date | null;
    termsVersion: string;
    privacyVersion: string;
  };
  charge_notice: {
    membershipNumber: string;
    chargeAt: Date;
    amountCentavos: number;
    cardLast4: string;
    cancelUrl: string;
  };
  charge_succeeded: {
    membershipNumber: string;
    amountCentavos: number;
    paidAt: Date;
    cardLast4: string;
    receiptUrl: string;
  };
  charge_failed: {
    membershipNumber: string;
    amountCentavos: number;
    cardLast4: string;
    nextRetryAt: Date | null;
    cardUrl: string;
  };
  case_provider_assigned: {
    caseNumber: string;
    serviceName: Bilingual;
    providerName: string;
    etaMinutes: number | null;
  };
  case_provider_en_route: { caseNumber: string; providerName: string; etaMinutes: number | null };
  case_provider_arrived: { caseNumber: string; providerName: string };
  case_completed: { caseNumber: string; serviceName: Bilingual };
  case_excess_to_accept: { caseNumber: string; amountCentavos: number; acceptUrl: string };
  case_refused: {
    caseNumber: string;
    serviceName: Bilingual;
    reason: Bilingual;
    /** Refused (not eligible; the default) or cancelled by the operator or a partner. */
    closing?: 'refused' | 'cancelled';
  };
  appointment_confirmation: { caseNumber: string; providerName: string; at: Date };
  appointment_reminder_24h: { caseNumber: string; providerName: string; at: Date };
  appointment_reminder_2h: { caseNumber: string; providerName: string; at: Date };
  remote_consultation_taken: { caseNumber: string; serviceName: Bilingual; staffName: string };
  claim_approved: { caseNumber: string; amountCentavos: number };
  claim_paid: { caseNumber: string; amountCentavos: number };
  claim_rejected: { caseNumber: string; reason: string };
  complaint_received: { complaintNumber: string; dueAt: Date };
  complaint_resolution: { complaintNumber: string; resolution: string };
  arco_received: { requestNumber: string; type: ArcoRight; dueAt: Date };
  arco_answered: {
    requestNumber: string;
    type: ArcoRight;
    accepted: boolean;
    answer: string;
    /** An accepted access request: the person's data waits in the portal. */
    downloadReady: boolean;
  };
  cancellation_confirmation: {
    membershipNumber: string;
    cancellationNumber: string;
    coverageEndsAt: Date;
    refundEligible: boolean;
    refundCentavos: number;
    cardLast4: string;
  };
  refund_issued: { membershipNumber: string; amountCentavos: number; cardLast4: string };
  provider_offer: {
    caseNumber: string;
    serviceName: Bilingual;
    /** Where, as the case says it (colonia, municipality, state); empty when it says none. */
    place: string;
    /** How far the provider's unit is, straight line. */
    distanceKm?: number;
    expiresAt: Date;
    jobsUrl: string;
  };
  account_activation_code: {
    /** Six digits, typed on the activation page. */
    code: string;
    expiresAt: Date;
  };
  beneficiary_invitation: {
    /** Who invites: the titular's name. */
    titularName: string;
    /** The one-time page where the beneficiary opens their account. */
    url: string;
    expiresAt: Date;
  };
  location_request: {
    /** The one-time page that asks the phone for its position. */
    url: string;
    expiresAt: Date;
  };
}

export type MessageKind = keyof MessageParams;
