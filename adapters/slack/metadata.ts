/**
 * What a post carries in Slack message metadata, so that it can be found again after a crash: the
 * idempotency key, and for a message posted in several parts, which part it is of how many. Slack returns
 * it from conversations.history and conversations.replies with `include_all_metadata`.
 */

/** The metadata event type of this bot's keyed posts. */
export const METADATA_EVENT = 'arxiv_digest_post';

/** One part of a keyed post: `part` of `parts`, from 1. */
export interface PostPart {
  key: string;
  part: number;
  parts: number;
}

/** Metadata as Slack returns it on a message. */
export interface MessageMetadata {
  event_type?: string;
  event_payload?: Record<string, unknown>;
}

/** The `metadata` argument of chat.postMessage for one part (a type literal: Slack's payload type is indexed). */
export function partMetadata(part: PostPart): {
  event_type: string;
  event_payload: { key: string; part: number; parts: number };
} {
  return { event_type: METADATA_EVENT, event_payload: { ...part } };
}

/** The key and part number a message of this bot carries in its metadata, if any. */
export function partOf(message: { metadata?: MessageMetadata | undefined }): PostPart | null {
  if (message.metadata?.event_type !== METADATA_EVENT) return null;
  const payload = message.metadata.event_payload ?? {};
  if (typeof payload.key !== 'string') return null;
  const part = typeof payload.part === 'number' ? payload.part : Number(payload.part ?? 1);
  const parts = typeof payload.parts === 'number' ? payload.parts : Number(payload.parts ?? 1);
  return {
    key: payload.key,
    part: Number.isInteger(part) && part > 0 ? part : 1,
    parts: Number.isInteger(parts) && parts > 0 ? parts : 1,
  };
}
