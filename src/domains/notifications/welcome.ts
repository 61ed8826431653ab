import type { Executor } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Welcome, WelcomeMessenger } from '../members/contracting.ts';
import { DEFAULT_PREFERENCES, type Notifier } from './notifier.ts';
import type { NotificationsRepository } from './repository.ts';

/**
 * Contracting's welcome: the customer's language becomes their messages' language (a customer who
 * contracted in English reads English from then on), and the welcome is written once.
 */
export function welcomeMessenger(
  notifier: Notifier,
  repository: NotificationsRepository,
  clock: Clock,
  /** Sandbox: the notifier of test messages, for a membership contracted on a test clock. */
  testNotifier: Notifier = notifier,
): WelcomeMessenger {
  return async (executor, w) => {
    if (w.language !== DEFAULT_PREFERENCES.language)
      await repository.savePreferences(
        executor,
        w.membershipId,
        { ...DEFAULT_PREFERENCES, language: w.language },
        clock.now(),
      );
    await (w.testClock ? testNotifier : notifier).toMember(executor, welcomeMessage(w));
  };
}

/** The welcome's message to the titular (its parameters), for one or many. */
function welcomeMessage(w: Welcome) {
  return {
    kind: 'membership_welcome' as const,
    membershipId: w.membershipId,
    subjectKey: `membership:${w.membershipId}:welcome`,
    params: {
      membershipNumber: w.membershipNumber,
      planName: w.planName,
      monthlyCentavos: w.monthlyCentavos,
      freeUntil: w.freeUntil,
      firstChargeAt: w.firstChargeAt,
      termsVersion: w.termsVersion,
      privacyVersion: w.privacyVersion,
    },
  };
}

/**
 * Many welcomes in one go (a bank file's batch: Spanish, the bank's channel), written as
 * contracting writes one: the same message, once per membership.
 */
export function welcomesMessenger(
  notifier: Notifier,
): (executor: Executor, welcomes: Welcome[]) => Promise<void> {
  return async (executor, welcomes) => {
    await notifier.toMembers(executor, welcomes.map(welcomeMessage));
  };
}
