import type { Keyv } from 'keyv';
import type { TargetId, UserId } from '../../chat/types.ts';
import type { Logger } from '../../log.ts';
import type { AtomicNamespace, Store } from '../store.ts';
import { key, readRecord } from './records.ts';

export const VOTE_SCHEMA = 1;

export type VoteKind = 'like' | 'dislike';

/**
 * One user's vote on one paper in one target (a channel, or a user's own DM digest), kept under the key
 * (target, paper, user): however often the user clicks, there is one. It remembers which of the two
 * reactions the user has on the paper's messages there now, and since when; the vote is the newer of them
 * (a 👍 then a 👎 is a dislike). Taking a reaction off forgets only that one: removing the 👍 while the 👎
 * stays leaves the dislike, removing the 👎 while the 👍 stays makes it a like again, and with neither the
 * vote is gone.
 */
interface StoredVote {
  schemaVersion: typeof VOTE_SCHEMA;
  target: TargetId;
  paperId: string;
  /** The version of the paper the message showed; null when it did not say. */
  version: number | null;
  user: UserId;
  /** The paper's title when it was voted on, for `/arxiv top` (null when it could not be looked up). */
  title: string | null;
  /**
   * Its abstract, so that the learned profile can embed the paper again long after the paper index let it
   * go, without asking arXiv (absent or null when it could not be looked up).
   */
  abstract?: string | null;
  /** When the user put each reaction on (ISO time), or null while they do not have it on. */
  liked: string | null;
  disliked: string | null;
}

/** A vote as the queries give it. */
export interface Vote {
  target: TargetId;
  paperId: string;
  version: number | null;
  user: UserId;
  title: string | null;
  abstract: string | null;
  kind: VoteKind;
  /** When the reaction that makes the vote was put on. */
  at: Date;
}

/** What a target's learned profile reads: which papers its people liked or disliked, and when. */
export interface ProfileVote {
  paperId: string;
  version?: number;
  /** The paper's title and abstract as they were when it was voted on, where they could be had. */
  title?: string;
  abstract?: string;
  kind: VoteKind;
  at: Date;
}

/** What a click did: whether the stored vote changed, and the user's vote on the paper there now. */
export interface VoteChange {
  changed: boolean;
  vote: Vote | null;
}

/**
 * Votes are kept a year after their last change, then expire: a vote is about a paper's relevance at the
 * time, and the store stays bounded.
 */
export const VOTE_KEEP_MS = 365 * 24 * 60 * 60 * 1000;
/** Attempts of a compare-and-set before giving up (only a storm of clicks on one vote makes them fail). */
const CAS_ATTEMPTS = 20;

/**
 * The votes of every target, in the `votes` namespace (SQLite, Redis or Postgres alike). A change is a
 * compare-and-set on the vote's one key, so concurrent clicks (or replicas) never lose one another. The
 * queries read the namespace through (it holds at most a year of votes): a team's votes are thousands, not
 * millions.
 */
export class VoteRepository {
  readonly #keyv: Keyv<StoredVote>;
  readonly #atomic: AtomicNamespace;
  readonly #logger: Logger;
  readonly #keepMs: number;

  constructor(store: Store, logger: Logger, options: { keepMs?: number } = {}) {
    this.#keyv = store.namespace<StoredVote>('votes');
    this.#atomic = store.atomic('votes');
    this.#logger = logger;
    this.#keepMs = options.keepMs ?? VOTE_KEEP_MS;
  }

  /**
   * `user` put the `kind` reaction on a message about the paper in `target`. Recorded with the time `at`;
   * not changed when the user already had that reaction on (a second click, a redelivered event).
   */
  async add(input: {
    target: TargetId;
    paperId: string;
    version: number | null;
    user: UserId;
    kind: VoteKind;
    title: string | null;
    abstract?: string | null;
    at: Date;
  }): Promise<VoteChange> {
    const field = input.kind === 'like' ? 'liked' : 'disliked';
    return this.#change(input, (stored) => {
      if (stored?.[field]) {
        // Already on: only fill in what an earlier click could not look up.
        const title = stored.title ?? input.title;
        const abstract = stored.abstract ?? input.abstract ?? null;
        if (title === stored.title && abstract === (stored.abstract ?? null)) return null;
        return { ...stored, title, abstract };
      }
      return {
        schemaVersion: VOTE_SCHEMA,
        target: input.target,
        paperId: input.paperId,
        version: input.version ?? stored?.version ?? null,
        user: input.user,
        title: input.title ?? stored?.title ?? null,
        abstract: input.abstract ?? stored?.abstract ?? null,
        liked: stored?.liked ?? null,
        disliked: stored?.disliked ?? null,
        [field]: input.at.toISOString(),
      };
    });
  }

  /** `user` took the `kind` reaction off: that reaction no longer counts (the other one, if on, does). */
  async remove(input: {
    target: TargetId;
    paperId: string;
    user: UserId;
    kind: VoteKind;
  }): Promise<VoteChange> {
    const field = input.kind === 'like' ? 'liked' : 'disliked';
    return this.#change(input, (stored) => (stored?.[field] ? { ...stored, [field]: null } : null));
  }

  /** The user's vote on the paper in the target, if any. */
  async get(target: TargetId, paperId: string, user: UserId): Promise<Vote | undefined> {
    const stored = readRecord<StoredVote>(
      await this.#keyv.get(key(target, paperId, user)),
      VOTE_SCHEMA,
      'vote',
      this.#logger,
    );
    return stored && voteOf(stored);
  }

  /** Every vote in `target` (anyone's) made at or after `since`. */
  async inTarget(target: TargetId, since: Date = new Date(0)): Promise<Vote[]> {
    return this.#where((vote) => vote.target === target && vote.at >= since);
  }

  /** Every vote `user` made anywhere (any channel, their own DMs) at or after `since`. */
  async byUser(user: UserId, since: Date = new Date(0)): Promise<Vote[]> {
    return this.#where((vote) => vote.user === user && vote.at >= since);
  }

  /**
   * A target's votes for its learned profile: each (paper, user) vote once, oldest first, with the paper's
   * title and abstract where they were had. The same paper liked by two people is there twice.
   */
  async forProfile(target: TargetId): Promise<ProfileVote[]> {
    const votes = await this.inTarget(target);
    return votes
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map((vote) => ({
        paperId: vote.paperId,
        ...(vote.version === null ? {} : { version: vote.version }),
        ...(vote.title === null ? {} : { title: vote.title }),
        ...(vote.abstract === null ? {} : { abstract: vote.abstract }),
        kind: vote.kind,
        at: vote.at,
      }));
  }

  async #where(wanted: (vote: Vote) => boolean): Promise<Vote[]> {
    const found: Vote[] = [];
    if (!this.#keyv.iterator) return found;
    for await (const [, raw] of this.#keyv.iterator(undefined)) {
      const stored = readRecord<StoredVote>(raw, VOTE_SCHEMA, 'vote', this.#logger);
      const vote = stored && voteOf(stored);
      if (vote && wanted(vote)) found.push(vote);
    }
    return found;
  }

  /**
   * Applies `next` to the stored vote until the write lands on the version it read. `next` answers null
   * for no change; a vote with neither reaction on is deleted.
   */
  async #change(
    id: { target: TargetId; paperId: string; user: UserId },
    next: (stored: StoredVote | undefined) => StoredVote | null,
  ): Promise<VoteChange> {
    const voteKey = key(id.target, id.paperId, id.user);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const held = await this.#atomic.getVersioned<unknown>(voteKey);
      const stored = held && readRecord<StoredVote>(held.value, VOTE_SCHEMA, 'vote', this.#logger);
      const updated = next(stored);
      if (updated === null) return { changed: false, vote: (stored && voteOf(stored)) ?? null };
      const gone = updated.liked === null && updated.disliked === null;
      let written: boolean;
      if (!held) written = gone || (await this.#atomic.add(voteKey, updated, this.#keepMs));
      else if (gone) written = await this.#atomic.deleteIfVersion(voteKey, held.version);
      else written = await this.#atomic.setIfVersion(voteKey, updated, held.version, this.#keepMs);
      if (written) return { changed: true, vote: gone ? null : (voteOf(updated) ?? null) };
    }
    throw new Error(`The vote ${voteKey} changed under every one of ${CAS_ATTEMPTS} attempts.`);
  }
}

/** The vote a stored record makes: the newer of the reactions on; none without one. */
function voteOf(stored: StoredVote): Vote | undefined {
  const { liked, disliked } = stored;
  if (liked === null && disliked === null) return undefined;
  const kind: VoteKind = disliked === null || (liked !== null && liked > disliked) ? 'like' : 'dislike';
  return {
    target: stored.target,
    paperId: stored.paperId,
    version: stored.version,
    user: stored.user,
    title: stored.title,
    abstract: stored.abstract ?? null,
    kind,
    at: new Date((kind === 'like' ? liked : disliked) ?? 0),
  };
}
