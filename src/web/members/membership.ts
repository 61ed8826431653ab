import type { Static } from '@sinclair/typebox';
import type { CancellationPreview, CancellationView } from '../../domains/cancellation/schemas.ts';
import type { ComplaintView } from '../../domains/complaints/schemas.ts';
import type { MembershipView } from '../../domains/members/schemas.ts';

/**
 * A membership as the customer's portal and the operator console both read it (the API's shapes,
 * from the schemas that also validate and document it): its people, its cancellation, the
 * complaints filed about its service.
 */
export type Membership = Static<typeof MembershipView>;
export type Person = Membership['people'][number];
export type Preview = Static<typeof CancellationPreview>;
export type Cancellation = Static<typeof CancellationView>;
export type CancellationLine = Preview['cancellationLine'];
export type Complaint = Static<typeof ComplaintView>;
