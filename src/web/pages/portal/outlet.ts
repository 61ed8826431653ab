import { useOutletContext } from 'react-router';
import type { Membership } from '../../members/membership.ts';

/** The membership the portal shows, handed to each section by PortalLayout. */
export function useMembership(): Membership {
  return useOutletContext<Membership>();
}
