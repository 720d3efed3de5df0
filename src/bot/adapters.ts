import type { ChatAdapter, Platform, TargetId } from '../chat/types.ts';
import { UserError } from '../errors.ts';

/** The running adapters, found by the platform prefix of a target id (`slack:T1:C2` -> slack). */
export class AdapterRegistry {
  readonly #byPlatform = new Map<Platform, ChatAdapter>();

  constructor(adapters: readonly ChatAdapter[]) {
    for (const adapter of adapters) this.#byPlatform.set(adapter.platform, adapter);
  }

  get all(): ChatAdapter[] {
    return [...this.#byPlatform.values()];
  }

  /** The adapter that owns a target, or null when that platform is not running here. */
  find(target: TargetId): ChatAdapter | null {
    const platform = platformOf(target);
    return platform ? (this.#byPlatform.get(platform) ?? null) : null;
  }

  forTarget(target: TargetId): ChatAdapter {
    const adapter = this.find(target);
    if (!adapter) {
      throw new UserError(
        'INPUT_INVALID',
        `No ${platformOf(target) ?? 'chat'} connection is running for ${target}.`,
      );
    }
    return adapter;
  }
}

/** The platform prefix of a target id (`slack` for `slack:T1:C2`), or null when it has none. */
export function platformOf(target: TargetId): Platform | null {
  const colon = target.indexOf(':');
  return colon > 0 ? target.slice(0, colon) : null;
}

/** Whether a target is a user (a direct message) rather than a channel: user ids have `@` after the last colon. */
export function isUserTarget(target: TargetId): boolean {
  return target.slice(target.lastIndexOf(':') + 1).startsWith('@');
}
