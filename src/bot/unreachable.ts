/**
 * Direct messages a platform refuses (a user who closed DMs from the server's members, or blocked the bot).
 * Trying again does not help until the user changes something, so the digest is not retried: the user's
 * subscription is marked, and the next time they use a command they are told, privately and once, why their
 * digest stopped and what to do; the mark is then cleared and the next digest is tried again.
 */
import { UnreachableRecipientError } from '../chat/errors.ts';
import type { OutboundMessage, UserId } from '../chat/types.ts';
import type { SubscriptionRepository } from '../store/repositories/subscriptions.ts';
import { isUserTarget } from './adapters.ts';
import { plainMessage } from './render.ts';

/** Whether a failed delivery to `target` is a refused direct message, which is not to be retried. */
export function isUnreachable(target: string, error: unknown): error is UnreachableRecipientError {
  return isUserTarget(target) && error instanceof UnreachableRecipientError;
}

/** Marks the user's subscription as unreachable, so the scheduler leaves it until the user is told. */
export async function markUnreachable(
  subscriptions: SubscriptionRepository,
  target: UserId,
  error: UnreachableRecipientError,
  now: Date,
): Promise<void> {
  const subscription = await subscriptions.get(target);
  if (!subscription || subscription.unreachable) return;
  await subscriptions.put({
    ...subscription,
    unreachable: { since: now.toISOString(), reason: error.message },
  });
}

/** The notice for a user whose digest could not be sent, once: reading it clears the mark. */
export async function takeUnreachableNotice(
  subscriptions: SubscriptionRepository,
  user: UserId,
): Promise<OutboundMessage | null> {
  const subscription = await subscriptions.get(user);
  if (!subscription?.unreachable) return null;
  const { unreachable: _told, ...rest } = subscription;
  await subscriptions.put(rest);
  return plainMessage(
    `I could not send you your digest by direct message (since ${subscription.unreachable.since.slice(0, 10)}): the platform refused it, most often because direct messages from server members are turned off in your privacy settings. Allow them for this server (or unblock the bot); your digest is tried again with the next announcement. /arxiv me unsubscribe all stops it instead.`,
  );
}
