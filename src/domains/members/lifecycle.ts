export type MembershipState = 'trial' | 'active' | 'past_due' | 'suspended' | 'cancelled';
export type Channel = 'online' | 'phone' | 'bank';

/** The lifecycle (SPEC): every change is an event with its reason. */
export const MEMBERSHIP_TRANSITIONS: Record<MembershipState, readonly MembershipState[]> = {
  trial: ['active', 'past_due', 'cancelled'],
  active: ['past_due', 'cancelled'],
  past_due: ['active', 'suspended', 'cancelled'],
  suspended: ['active', 'cancelled'],
  cancelled: [],
};
