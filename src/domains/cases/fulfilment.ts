/**
 * How a service is given. This issue builds the `dispatch` kind (a provider goes to the place);
 * appointments, remote consultations and reimbursement claims are cases too and arrive next, on
 * the same case model with their own details and events.
 */
export type Fulfilment = 'dispatch' | 'appointment' | 'remote' | 'reimbursement';

const NOT_DISPATCHED: Record<string, Fulfilment> = {
  'online-doctor': 'remote',
  'legal-advice': 'remote',
  'specialist-consultation': 'appointment',
  'atm-robbery-protection': 'reimbursement',
};

export function fulfilmentOf(serviceCode: string): Fulfilment {
  return NOT_DISPATCHED[serviceCode] ?? 'dispatch';
}
