import { createHash, randomBytes } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { Database, Executor } from '../../db/client.ts';
import { type Clock, MINUTE_MS } from '../../lib/clock.ts';
import { AppError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { normaliseMexicanPhone } from '../../lib/phone.ts';
import { phoneAt, phoneInvalid } from '../../lib/phone-input.ts';
import type { IdempotencyService, Replayable } from '../../platform/idempotency/service.ts';
import type { Actor } from '../../platform/principal.ts';
import type { ChannelKind } from '../notifications/channels.ts';
import type { Notifier } from '../notifications/notifier.ts';
import type { Geocoder } from '../places/geocoder.ts';
import './errors.ts';
import type { CaseKernel } from './kernel.ts';
import { type CaseState, isClosed } from './lifecycle.ts';
import type { LocationLinkRow, LocationLinksRepository } from './location-links-repository.ts';
import { precisionOfAccuracy } from './place.ts';
import type { LocationLinkCreated, LocationLinkStatus } from './schemas.ts';

/** How long a link stays open: the call it was sent during, with room for a slow phone. */
export const LOCATION_LINK_MINUTES = 30;

/** What the notifications domain says of an SMS to an address given for one message. */
export interface AddressForecast {
  forecastTo(
    executor: Executor,
    channel: ChannelKind,
    address: string,
  ): Promise<'will_send' | 'not_configured' | 'undeliverable'>;
}

/** The token's stored form: SHA-256, base64url. Lookups go by it; the token itself is never stored here. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The subject of a link's SMS (one per link), and the prefix of every link's of a case. */
const subjectOf = (caseId: string, linkId = '') => `case:${caseId}:location_link:${linkId}`;

/**
 * "Comparte tu ubicación": during a phone call an agent texts the caller a one-time link; the page
 * behind it asks the phone for its position and sets the case's place through the kernel. A link
 * is open for 30 minutes, works once, and a newer link of the same case voids it (a case has one
 * open link at a time). The public side answers nothing about the case: only the link's state.
 */
export class LocationLinksService {
  constructor(
    private readonly db: Database,
    private readonly kernel: CaseKernel,
    private readonly repository: LocationLinksRepository,
    private readonly notifier: Notifier,
    private readonly sms: AddressForecast,
    private readonly idempotency: IdempotencyService,
    private readonly clock: Clock,
    /** The state of a shared position (the geocoder's `stateAt`). */
    private readonly places: Pick<Geocoder, 'stateAt'>,
  ) {}

  /**
   * Makes a link for the case and writes its SMS (in this transaction) to `phone`, or to the
   * titular's phone; any open link of the case is voided and its unsent SMS withdrawn.
   */
  async create(
    actor: Actor,
    caseId: string,
    input: { phone?: string | undefined },
    idempotencyKey: string | undefined,
  ): Promise<Replayable<Static<typeof LocationLinkCreated>>> {
    const given = input.phone === undefined ? undefined : phoneAt('body/phone', input.phone);
    const principal = actor.principal;
    if (principal?.kind !== 'user') throw new AppError('FORBIDDEN');
    return this.db.transaction((tx) =>
      this.idempotency.run(
        tx,
        actor,
        { key: idempotencyKey, operation: `POST /v1/cases/${caseId}/location-links`, body: input },
        async () => {
          // The case's lock first: two agents asking at once make one link after the other.
          const kase = await this.kernel.lock(tx, caseId);
          await this.kernel.authorize(tx, actor, kase);
          if (isClosed(kase.state as CaseState)) throw new AppError('CASE_PLACE_NOT_CHANGEABLE');
          const phone =
            given ?? normaliseMexicanPhone((await this.repository.titularPhone(tx, kase.membershipId)) ?? '');
          // The titular's phone on file is not one a text can reach: the agent types the caller's.
          if (!phone) throw phoneInvalid('body/phone');
          const now = this.clock.now();
          const voided = await this.repository.voidOpen(tx, kase.id, now);
          for (const id of voided) await this.notifier.withdraw(tx, subjectOf(kase.id, id));
          const token = randomBytes(16).toString('base64url');
          const link: LocationLinkRow = {
            id: newId(),
            caseId: kase.id,
            tokenHash: hashToken(token),
            createdAt: now,
            expiresAt: new Date(now.getTime() + LOCATION_LINK_MINUTES * MINUTE_MS),
            usedAt: null,
            voidedAt: null,
            createdBy: principal.userId,
            phone,
          };
          await this.repository.insert(tx, link);
          const url = this.notifier.links.location(token);
          await this.notifier.toMember(tx, {
            kind: 'location_request',
            membershipId: kase.membershipId,
            caseId: kase.id,
            params: { url, expiresAt: link.expiresAt },
            to: { channel: 'sms', address: phone },
            subjectKey: subjectOf(kase.id, link.id),
          });
          // The token is not in the audit log: who asked, for which case, to which number, until when.
          await this.kernel.auditAction(tx, actor, 'case.location_link.create', kase.id, {
            linkId: link.id,
            phone,
            expiresAt: link.expiresAt.toISOString(),
            voided,
          });
          return {
            status: 201,
            body: {
              id: link.id,
              url,
              expiresAt: link.expiresAt.toISOString(),
              phone,
              sms: { delivery: await this.sms.forecastTo(tx, 'sms', phone) },
            },
          };
        },
      ),
    );
  }

  /** Whether the link is open, used or expired, and until when: nothing of the case. */
  async status(token: string): Promise<Static<typeof LocationLinkStatus>> {
    return this.db.transaction(async (tx) => {
      const link = await this.repository.byTokenHash(tx, hashToken(token));
      if (!link) throw new AppError('LOCATION_LINK_NOT_FOUND');
      const kase = await this.kernel.find(tx, link.caseId);
      return this.present(link, kase ? isClosed(kase.state as CaseState) : true);
    });
  }

  /**
   * The caller's phone shares its position: the case's place becomes that point, its precision
   * from the reported accuracy, and the link is used. Once: a used link answers
   * LOCATION_LINK_USED; an expired or voided one, or one of a closed case, LOCATION_LINK_EXPIRED.
   */
  async share(
    actor: Actor,
    token: string,
    position: { lat: number; lng: number; accuracyM: number },
  ): Promise<{ status: 'used' }> {
    const tokenHash = hashToken(token);
    // The state and what the case's kind needs from the network come before the transaction; the
    // link is read again under the case's lock below.
    const point = { lat: position.lat, lng: position.lng };
    const seen = await this.repository.byTokenHash(this.db, tokenHash);
    const stateCode = seen ? await this.places.stateAt(point) : null;
    const prepared = seen ? await this.kernel.prepareMove(this.db, seen.caseId, point) : undefined;
    return this.db.transaction(async (tx) => {
      const found = await this.repository.byTokenHash(tx, tokenHash);
      if (!found) throw new AppError('LOCATION_LINK_NOT_FOUND');
      // The case first, then the link (the order making a link takes): two shares at once, or a
      // share and a new link, happen one after the other.
      const kase = await this.kernel.lock(tx, found.caseId);
      const link = (await this.repository.byTokenHash(tx, tokenHash, true)) as LocationLinkRow;
      const { status } = this.present(link, isClosed(kase.state as CaseState));
      if (status === 'used') throw new AppError('LOCATION_LINK_USED');
      if (status === 'expired') throw new AppError('LOCATION_LINK_EXPIRED');
      const accuracyM = Math.ceil(position.accuracyM);
      await this.kernel.movePlace(
        tx,
        actor,
        kase.id,
        {
          lat: position.lat,
          lng: position.lng,
          precision: precisionOfAccuracy(accuracyM),
          accuracyM,
          stateCode,
        },
        'location_link',
        { linkId: link.id },
        prepared,
      );
      await this.repository.markUsed(tx, link.id, this.clock.now());
      // Its SMS, if it never went, has nothing left to ask.
      await this.notifier.withdraw(tx, subjectOf(kase.id, link.id));
      return { status: 'used' as const };
    });
  }

  private present(link: LocationLinkRow, caseClosed: boolean): Static<typeof LocationLinkStatus> {
    const now = this.clock.now();
    const endsAt = link.voidedAt && link.voidedAt < link.expiresAt ? link.voidedAt : link.expiresAt;
    if (link.usedAt) return { status: 'used', expiresAt: link.expiresAt.toISOString() };
    const open = !link.voidedAt && !caseClosed && now < link.expiresAt;
    return { status: open ? 'open' : 'expired', expiresAt: endsAt.toISOString() };
  }
}
