/** Who may follow a case (finance reaches claims only: the kernel narrows it). */
export const FOLLOWERS = ['customer', 'agent', 'supervisor', 'finance', 'admin', 'scope:cases:read'] as const;
/** Who may ask for help and act on the request as its requester (cancel, accept an excess, book). */
export const REQUESTERS = ['customer', 'agent', 'supervisor', 'scope:cases:write'] as const;
