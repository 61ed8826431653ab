import type { Executor } from '../../db/client.ts';
import type { MessageKind } from '../notifications/catalogue.ts';
import type { MemberMessage, Notifier } from '../notifications/notifier.ts';

/** A settled charge as its message needs it. */
export interface ChargeOutcome {
  id: string;
  membershipId: string;
  membershipNumber: string;
  status: 'succeeded' | 'failed' | 'unknown';
  amountCentavos: number;
  cardLast4: string;
  attempts: number;
  retryAt: Date | null;
}

/** A charge coming up, for its notice (LFPC art. 76 Bis). */
export interface UpcomingCharge {
  membershipId: string;
  membershipNumber: string;
  chargeAt: Date;
  amountCentavos: number;
  cardLast4: string;
  /** `charge_notice:<membership>:<YYYY-MM>`: one notice per membership and period. */
  subjectKey: string;
}

/**
 * What billing tells members, written through the notifications domain in the transaction that
 * settles the charge or the refund: a paid charge's receipt, a decline and what to do, the notice
 * before each automatic charge, a refund made.
 */
export class BillingMessages {
  constructor(private readonly notifier: Notifier) {}

  async chargeOutcomes(tx: Executor, settled: ChargeOutcome[], paidAt: Date): Promise<void> {
    const links = this.notifier.links;
    const messages: MemberMessage<MessageKind>[] = [];
    for (const c of settled) {
      if (c.status === 'succeeded')
        messages.push({
          kind: 'charge_succeeded',
          membershipId: c.membershipId,
          subjectKey: `charge:${c.id}:succeeded`,
          params: {
            membershipNumber: c.membershipNumber,
            amountCentavos: c.amountCentavos,
            paidAt,
            cardLast4: c.cardLast4,
            receiptUrl: links.receipt(c.id),
          },
          // The receipt PDF, rendered by invoicing when the email is sent.
          attachments: [{ kind: 'charge_receipt', id: c.id }],
        });
      else if (c.status === 'failed')
        messages.push({
          kind: 'charge_failed',
          membershipId: c.membershipId,
          // One per attempt: each decline is told, with the next try's date.
          subjectKey: `charge:${c.id}:failed:${c.attempts}`,
          params: {
            membershipNumber: c.membershipNumber,
            amountCentavos: c.amountCentavos,
            cardLast4: c.cardLast4,
            nextRetryAt: c.retryAt,
            cardUrl: links.card(),
          },
        });
    }
    await this.notifier.toMembers(tx, messages);
  }

  /** The notices of charges coming up, each to go out `leadDays` before its charge (now if later). */
  async notices(tx: Executor, upcoming: UpcomingCharge[], leadDays: number, now: Date): Promise<number> {
    const cancelUrl = this.notifier.links.cancel();
    return this.notifier.toMembers(
      tx,
      upcoming.map((u) => {
        const due = new Date(u.chargeAt.getTime() - leadDays * 86_400_000);
        return {
          kind: 'charge_notice',
          membershipId: u.membershipId,
          subjectKey: u.subjectKey,
          sendAt: due > now ? due : now,
          params: {
            membershipNumber: u.membershipNumber,
            chargeAt: u.chargeAt,
            amountCentavos: u.amountCentavos,
            cardLast4: u.cardLast4,
            cancelUrl,
          },
        };
      }),
    );
  }

  async refundIssued(
    tx: Executor,
    refund: {
      id: string;
      membershipId: string;
      membershipNumber: string;
      amountCentavos: number;
      cardLast4: string;
    },
  ): Promise<void> {
    await this.notifier.toMember(tx, {
      kind: 'refund_issued',
      membershipId: refund.membershipId,
      subjectKey: `refund:${refund.id}`,
      params: {
        membershipNumber: refund.membershipNumber,
        amountCentavos: refund.amountCentavos,
        cardLast4: refund.cardLast4,
      },
    });
  }
}
