/**
 * Discord's error answers: `{code, message, errors?}` with the HTTP status Discord uses for each code, and
 * the nested `errors` object of 50035 Invalid Form Body (`{field: {index: {field: {_errors: [...]}}}}`).
 * Codes and messages are Discord's own (see discord-api-types' RESTJSONErrorCodes).
 */
export class DiscordError extends Error {
  readonly status: number;
  readonly code: number;
  readonly errors: Record<string, unknown> | undefined;

  constructor(status: number, code: number, message: string, errors?: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.code = code;
    this.errors = errors;
  }

  get body(): Record<string, unknown> {
    return { message: this.message, code: this.code, ...(this.errors ? { errors: this.errors } : {}) };
  }
}

export const Codes = {
  General: 0,
  UnknownApplication: 10002,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMember: 10007,
  UnknownMessage: 10008,
  UnknownUser: 10013,
  UnknownEmoji: 10014,
  UnknownWebhook: 10015,
  UnknownInteraction: 10062,
  UnknownApplicationCommand: 10063,
  MaxReactions: 30010,
  MaxApplicationCommands: 30032,
  CannotSendInForum: 40058,
  InteractionAlreadyAcknowledged: 40060,
  MissingAccess: 50001,
  CannotEditOthersMessage: 50005,
  CannotSendEmptyMessage: 50006,
  CannotSendToUser: 50007,
  CannotSendInNonTextChannel: 50008,
  MissingPermissions: 50013,
  CannotExecuteOnChannelType: 50024,
  InvalidWebhookToken: 50027,
  InvalidFormBody: 50035,
  ThreadArchived: 50083,
  ThreadAlreadyCreated: 160004,
  ThreadLocked: 160005,
} as const;

export const Errors = {
  unauthorized: () => new DiscordError(401, Codes.General, '401: Unauthorized'),
  notFound: () => new DiscordError(404, Codes.General, '404: Not Found'),
  methodNotAllowed: () => new DiscordError(405, Codes.General, '405: Method Not Allowed'),
  unknownApplication: () => new DiscordError(404, Codes.UnknownApplication, 'Unknown Application'),
  unknownChannel: () => new DiscordError(404, Codes.UnknownChannel, 'Unknown Channel'),
  unknownGuild: () => new DiscordError(404, Codes.UnknownGuild, 'Unknown Guild'),
  unknownMember: () => new DiscordError(404, Codes.UnknownMember, 'Unknown Member'),
  unknownMessage: () => new DiscordError(404, Codes.UnknownMessage, 'Unknown Message'),
  unknownUser: () => new DiscordError(404, Codes.UnknownUser, 'Unknown User'),
  unknownEmoji: () => new DiscordError(400, Codes.UnknownEmoji, 'Unknown Emoji'),
  unknownWebhook: () => new DiscordError(404, Codes.UnknownWebhook, 'Unknown Webhook'),
  unknownInteraction: () => new DiscordError(404, Codes.UnknownInteraction, 'Unknown interaction'),
  unknownCommand: () => new DiscordError(404, Codes.UnknownApplicationCommand, 'Unknown application command'),
  maxReactions: () => new DiscordError(400, Codes.MaxReactions, 'Maximum number of reactions reached (20)'),
  cannotSendInForum: () =>
    new DiscordError(400, Codes.CannotSendInForum, 'Cannot send messages in a forum channel'),
  alreadyAcknowledged: () =>
    new DiscordError(400, Codes.InteractionAlreadyAcknowledged, 'Interaction has already been acknowledged.'),
  missingAccess: () => new DiscordError(403, Codes.MissingAccess, 'Missing Access'),
  cannotEditOthers: () =>
    new DiscordError(403, Codes.CannotEditOthersMessage, 'Cannot edit a message authored by another user'),
  emptyMessage: () => new DiscordError(400, Codes.CannotSendEmptyMessage, 'Cannot send an empty message'),
  cannotSendToUser: () => new DiscordError(403, Codes.CannotSendToUser, 'Cannot send messages to this user'),
  nonTextChannel: () =>
    new DiscordError(400, Codes.CannotSendInNonTextChannel, 'Cannot send messages in a non-text channel'),
  missingPermissions: () => new DiscordError(403, Codes.MissingPermissions, 'Missing Permissions'),
  wrongChannelType: () =>
    new DiscordError(400, Codes.CannotExecuteOnChannelType, 'Cannot execute action on this channel type'),
  invalidWebhookToken: () => new DiscordError(401, Codes.InvalidWebhookToken, 'Invalid Webhook Token'),
  threadArchived: () => new DiscordError(400, Codes.ThreadArchived, 'Thread is archived'),
  threadLocked: () => new DiscordError(403, Codes.ThreadLocked, 'Thread is locked'),
  threadAlreadyCreated: () =>
    new DiscordError(400, Codes.ThreadAlreadyCreated, 'A thread has already been created for this message'),
};

export interface FieldError {
  code: string;
  message: string;
}

/** Collects field errors at paths, then becomes one 50035 Invalid Form Body with Discord's nesting. */
export class FormErrors {
  readonly #tree: Record<string, unknown> = {};
  #count = 0;

  add(path: ReadonlyArray<string | number>, code: string, message: string): void {
    this.#count += 1;
    let node = this.#tree;
    for (const key of path) {
      const next = (node[String(key)] as Record<string, unknown> | undefined) ?? {};
      node[String(key)] = next;
      node = next;
    }
    const list = (node._errors as FieldError[] | undefined) ?? [];
    list.push({ code, message });
    node._errors = list;
  }

  /** `BASE_TYPE_MAX_LENGTH` when `value` is a string longer than `max` (or shorter than `min`). */
  length(path: ReadonlyArray<string | number>, value: unknown, max: number, min = 0): void {
    if (typeof value !== 'string') return;
    if (value.length > max) this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
    else if (value.length < min)
      this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
  }

  get empty(): boolean {
    return this.#count === 0;
  }

  get tree(): Record<string, unknown> {
    return this.#tree;
  }

  throwIfAny(): void {
    if (!this.empty) throw new DiscordError(400, Codes.InvalidFormBody, 'Invalid Form Body', this.#tree);
  }
}
