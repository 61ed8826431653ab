/**
 * How a service is given; the catalog says which for each service (`services.fulfilment`), and a
 * case follows its service's kind:
 * - `dispatch`: a provider goes to the place (tow, ambulance, home technicians);
 * - `appointment`: a slot the provider published is booked (specialist, nurse, equipment);
 * - `remote`: an on-duty professional takes the request and calls back (doctor, lawyer);
 * - `reimbursement`: a claim with its evidence is reviewed and paid (ATM robbery).
 */
export const FULFILMENTS = ['dispatch', 'appointment', 'remote', 'reimbursement'] as const;
export type Fulfilment = (typeof FULFILMENTS)[number];

/** Kinds this build fulfils end to end; the others are refused with FULFILMENT_NOT_AVAILABLE. */
export const FULFILMENTS_AVAILABLE: readonly Fulfilment[] = [
  'dispatch',
  'appointment',
  'remote',
  'reimbursement',
];
