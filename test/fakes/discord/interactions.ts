/**
 * Interactions as Discord runs them. `create` builds INTERACTION_CREATE for a slash command or an
 * autocomplete (options typed and nested by the registered command: subcommand groups, subcommands,
 * strings, integers, numbers, booleans; the member's permissions in the channel and the app's), and the
 * routes answer it: `POST /interactions/:id/:token/callback` (4 reply, 5 deferred reply, 6 deferred update
 * and 7 update for components, 8 autocomplete choices, 9 modal; flag 64 ephemeral), once only (40060) and
 * within the acknowledgement window (3 s; later 10062), then the webhook routes with the interaction token:
 * `@original` read, edit and delete, follow-ups (the first after a deferral fills the deferred reply), for
 * 15 minutes (then 401 / 50027).
 */

import { applyEdit, asObject } from './channels.ts';
import { type CommandOption, type CommandRegistry, checkChoices, OptionType } from './commands.ts';
import { DiscordError, Errors, FormErrors } from './errors.ts';
import type { Events } from './events.ts';
import { Permission } from './permissions.ts';
import type { RestRequest, Route } from './rest.ts';
import { Answer } from './rest.ts';
import { validateMessage } from './validate-message.ts';
import {
  ChannelType,
  type FakeMessage,
  interactionToken,
  MessageFlags,
  MessageType,
  type World,
} from './world.ts';

export const InteractionType = {
  Ping: 1,
  ApplicationCommand: 2,
  MessageComponent: 3,
  Autocomplete: 4,
  ModalSubmit: 5,
} as const;
export const CallbackType = {
  Reply: 4,
  DeferredReply: 5,
  DeferredUpdate: 6,
  Update: 7,
  Autocomplete: 8,
  Modal: 9,
} as const;

const ALLOWED_CALLBACKS: Record<number, number[]> = {
  [InteractionType.ApplicationCommand]: [4, 5, 9],
  [InteractionType.MessageComponent]: [4, 5, 6, 7, 9],
  [InteractionType.Autocomplete]: [8],
  [InteractionType.ModalSubmit]: [4, 5, 6, 7],
};

export type OptionValue = string | number | boolean;

export interface InteractInput {
  /** Who runs the command. */
  user: string;
  /** Where: a guild text channel, a thread, or a DM channel (see `dmChannel`). */
  channel: string;
  /** The command's name. Default `arxiv`. */
  command?: string;
  group?: string;
  subcommand?: string;
  /** Option values by name; their types come from the registered command. */
  options?: Record<string, OptionValue>;
  /** Makes it an autocomplete interaction (type 4) for this option, whose value is what was typed so far. */
  focused?: string;
  locale?: string;
  /**
   * Dispatch even what Discord would never send: a command that is not registered, options it does not
   * declare, a member without its default_member_permissions.
   */
  force?: boolean;
}

export interface InteractionAck {
  type: number;
  data: Record<string, unknown> | null;
  at: number;
}

export interface CallbackAttempt {
  type: unknown;
  data: unknown;
  at: number;
  status: number;
  code: number | null;
}

export interface InteractionRecord {
  id: string;
  token: string;
  type: number;
  commandName: string;
  guildId: string | null;
  channelId: string;
  userId: string;
  payload: Record<string, unknown>;
  dispatchedAt: number;
  /** The accepted acknowledgement (the first callback Discord took). */
  ack: InteractionAck | null;
  /** Every callback the app tried, refused ones included (with their status and code). */
  attempts: CallbackAttempt[];
  /** The reply (`@original`): ephemeral or in the channel; while deferred its flags include 128 (loading). */
  original: FakeMessage | null;
  followUps: FakeMessage[];
  /** Autocomplete choices the app answered with. */
  choices: Array<{ name: string; value: string | number }> | null;
  modal: Record<string, unknown> | null;
}

export interface InteractionsContext {
  world: World;
  events: Events;
  commands: CommandRegistry;
  ackWindowMs: number;
  tokenTtlMs: number;
  waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void>;
}

export class Interactions {
  readonly records: InteractionRecord[] = [];
  readonly #ctx: InteractionsContext;

  constructor(ctx: InteractionsContext) {
    this.#ctx = ctx;
  }

  /** Builds and dispatches an INTERACTION_CREATE; throws when Discord could not have sent it. */
  create(input: InteractInput): InteractionHandle {
    const { world, commands } = this.#ctx;
    const channel = world.channels.get(input.channel);
    if (!channel) throw new Error(`No channel ${input.channel} in the fake Discord.`);
    const user = world.users.get(input.user);
    if (!user) throw new Error(`No user ${input.user} in the fake Discord.`);
    const guildId = channel.guildId;
    const member = guildId ? world.guildOf(guildId).members.get(user.id) : undefined;
    if (guildId && !member) throw new Error(`User ${user.id} is not a member of guild ${guildId}.`);
    const userPermissions = world.permissionsIn(user.id, channel);
    if (!input.force && (userPermissions & Permission.UseApplicationCommands) === 0n)
      throw new Error(`User ${user.id} cannot use application commands in channel ${channel.id}.`);
    const name = input.command ?? 'arxiv';
    const command = commands.find(name, guildId);
    if (!command && !input.force)
      throw new Error(`No command /${name} is registered (globally or in the guild).`);
    if (command && !input.force) {
      const needed = command.default_member_permissions;
      if (guildId && needed !== null && (userPermissions & BigInt(needed)) !== BigInt(needed))
        throw new Error(`User ${user.id} lacks /${name}'s default_member_permissions (${needed}).`);
      const contexts = command.contexts as number[] | null | undefined;
      if (!guildId && (command.dm_permission === false || (Array.isArray(contexts) && !contexts.includes(1))))
        throw new Error(`/${name} cannot be used in DMs.`);
    }
    const type = input.focused ? InteractionType.Autocomplete : InteractionType.ApplicationCommand;
    const options = buildOptions(command?.options, input, !input.force);
    const id = world.ids.next();
    const token = interactionToken(id);
    const botPermissions = world.permissionsIn(world.bot.id, channel);
    const payload: Record<string, unknown> = {
      app_permissions: String(botPermissions),
      application_id: world.applicationId,
      attachment_size_limit: 10_485_760,
      authorizing_integration_owners: guildId ? { '0': guildId } : { '0': '0' },
      channel: { ...world.channelJson(channel), permissions: String(userPermissions) },
      channel_id: channel.id,
      context: guildId ? 0 : channel.type === ChannelType.DM ? 1 : 2,
      data: {
        id: command?.id ?? world.ids.next(),
        name,
        type: 1,
        ...(options.length > 0 ? { options } : {}),
        ...(command?.guild_id ? { guild_id: command.guild_id } : {}),
      },
      entitlement_sku_ids: [],
      entitlements: [],
      id,
      locale: input.locale ?? 'en-US',
      token,
      type,
      version: 1,
      ...(guildId && member
        ? {
            guild: { id: guildId, locale: 'en-US', features: [] },
            guild_id: guildId,
            guild_locale: 'en-US',
            member: { ...world.memberJson(member), permissions: String(userPermissions) },
          }
        : { user: world.userJson(user.id) }),
    };
    const record: InteractionRecord = {
      id,
      token,
      type,
      commandName: name,
      guildId,
      channelId: channel.id,
      userId: user.id,
      payload,
      dispatchedAt: Date.now(),
      ack: null,
      attempts: [],
      original: null,
      followUps: [],
      choices: null,
      modal: null,
    };
    this.records.push(record);
    if (this.#ctx.events.interactionCreate(payload) === 0)
      throw new Error('No gateway session is connected to receive the interaction.');
    return new InteractionHandle(record, this.#ctx.waitFor);
  }

  routes(): Route[] {
    return [
      {
        method: 'POST',
        path: '/interactions/:interaction/:token/callback',
        auth: false,
        handler: (r) => this.#callback(r),
      },
      { method: 'POST', path: '/webhooks/:webhook/:token', auth: false, handler: (r) => this.#followUp(r) },
      {
        method: 'GET',
        path: '/webhooks/:webhook/:token/messages/:message',
        auth: false,
        handler: (r) => this.#getMessage(r),
      },
      {
        method: 'PATCH',
        path: '/webhooks/:webhook/:token/messages/:message',
        auth: false,
        handler: (r) => this.#editMessage(r),
      },
      {
        method: 'DELETE',
        path: '/webhooks/:webhook/:token/messages/:message',
        auth: false,
        handler: (r) => this.#deleteMessage(r),
      },
    ];
  }

  #callback(request: RestRequest): unknown {
    const body = asObject(request.body);
    const record = this.records.find((r) => r.id === request.params.interaction);
    const attempt: CallbackAttempt = {
      type: body.type,
      data: body.data ?? null,
      at: Date.now(),
      status: 0,
      code: null,
    };
    try {
      if (!record || record.token !== request.params.token) throw Errors.unknownInteraction();
      if (record.ack) throw Errors.alreadyAcknowledged();
      if (attempt.at - record.dispatchedAt > this.#ctx.ackWindowMs) throw Errors.unknownInteraction();
      const type = body.type;
      if (typeof type !== 'number' || !(ALLOWED_CALLBACKS[record.type] ?? []).includes(type)) {
        const errors = new FormErrors();
        errors.add(
          ['type'],
          'INTERACTION_RESPONSE_TYPE_INVALID',
          'Invalid interaction response type for this interaction',
        );
        errors.throwIfAny();
      }
      const data =
        typeof body.data === 'object' && body.data !== null ? (body.data as Record<string, unknown>) : null;
      const answer = this.#acknowledge(record, type as number, data, request);
      attempt.status = answer.status;
      return answer;
    } catch (error) {
      if (error instanceof DiscordError) {
        attempt.status = error.status;
        attempt.code = error.code;
      }
      throw error;
    } finally {
      record?.attempts.push(attempt);
    }
  }

  #acknowledge(
    record: InteractionRecord,
    type: number,
    data: Record<string, unknown> | null,
    request: RestRequest,
  ): Answer {
    const { world, events } = this.#ctx;
    const flags = typeof data?.flags === 'number' ? data.flags : 0;
    let message: FakeMessage | null = null;
    if (type === CallbackType.Reply || type === CallbackType.DeferredReply) {
      const valid =
        type === CallbackType.Reply
          ? validateMessage(data ?? {}, {
              requireSomething: true,
              attachments: request.files.length,
              path: ['data'],
            })
          : null;
      const ephemeral = (flags & MessageFlags.Ephemeral) !== 0;
      message = world.storeMessage({
        channelId: record.channelId,
        authorId: world.bot.id,
        type: MessageType.ChatInputCommand,
        content: valid?.content ?? '',
        embeds: valid?.embeds ?? [],
        components: valid?.components ?? [],
        flags:
          (flags &
            (MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications)) |
          (type === CallbackType.DeferredReply ? MessageFlags.Loading : 0),
        allowedMentions: valid?.allowedMentions,
        ephemeral,
        webhookId: world.applicationId,
        applicationId: world.applicationId,
        interaction: { id: record.id, type: record.type, name: record.commandName, userId: record.userId },
        sent: data ?? {},
        via: 'interaction',
      });
      record.original = message;
      events.messageCreate(message);
    } else if (type === CallbackType.Autocomplete) {
      const choices = Array.isArray(data?.choices) ? (data.choices as unknown[]) : [];
      const errors = new FormErrors();
      if (choices.length > 25)
        errors.add(['data', 'choices'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
      checkChoices(errors, ['data', 'choices'], choices);
      errors.throwIfAny();
      record.choices = choices as InteractionRecord['choices'];
    } else if (type === CallbackType.Update) {
      validateMessage(data ?? {}, { requireSomething: false, path: ['data'] });
    } else if (type === CallbackType.Modal) {
      record.modal = data;
    }
    record.ack = { type, data, at: Date.now() };
    if (request.query.get('with_response') !== 'true') return new Answer(204);
    return new Answer(200, {
      interaction: {
        id: record.id,
        type: record.type,
        ...(message
          ? {
              response_message_id: message.id,
              response_message_loading: type === CallbackType.DeferredReply,
              response_message_ephemeral: message.ephemeral,
            }
          : {}),
      },
      resource: { type, ...(message ? { message: world.messageJson(message) } : {}) },
    });
  }

  /** The interaction a webhook route's token belongs to, while the token is valid. */
  #byToken(request: RestRequest): InteractionRecord {
    const record = this.records.find((r) => r.token === request.params.token);
    if (!record || request.params.webhook !== this.#ctx.world.applicationId) throw Errors.unknownWebhook();
    if (Date.now() - record.dispatchedAt > this.#ctx.tokenTtlMs) throw Errors.invalidWebhookToken();
    return record;
  }

  #messageOf(record: InteractionRecord, id: string | undefined): FakeMessage {
    const message =
      id === '@original' ? record.original : [record.original, ...record.followUps].find((m) => m?.id === id);
    if (!message || message.deleted) throw Errors.unknownMessage();
    return message;
  }

  #followUp(request: RestRequest): unknown {
    const { world, events } = this.#ctx;
    const record = this.#byToken(request);
    if (!record.ack || record.ack.type === CallbackType.Autocomplete) throw Errors.unknownWebhook();
    const body = asObject(request.body);
    const valid = validateMessage(body, { requireSomething: true, attachments: request.files.length });
    const wait = request.query.get('wait') === 'true';
    const original = record.original;
    if (original && !original.deleted && (original.flags & MessageFlags.Loading) !== 0) {
      // The first follow-up after a deferral is the deferred reply itself (keeping its ephemerality).
      applyEdit(world, original, body, valid, true);
      events.messageUpdate(original);
      return wait ? world.messageJson(original) : undefined;
    }
    const flags = valid.flags ?? 0;
    const message = world.storeMessage({
      channelId: record.channelId,
      authorId: world.bot.id,
      content: valid.content ?? '',
      embeds: valid.embeds ?? [],
      components: valid.components ?? [],
      flags:
        flags & (MessageFlags.Ephemeral | MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications),
      allowedMentions: valid.allowedMentions,
      ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
      webhookId: world.applicationId,
      applicationId: world.applicationId,
      interaction: { id: record.id, type: record.type, name: record.commandName, userId: record.userId },
      sent: body,
      via: 'followup',
    });
    record.followUps.push(message);
    events.messageCreate(message);
    return wait ? world.messageJson(message) : undefined;
  }

  #getMessage(request: RestRequest): unknown {
    const record = this.#byToken(request);
    return this.#ctx.world.messageJson(this.#messageOf(record, request.params.message));
  }

  #editMessage(request: RestRequest): unknown {
    const { world, events } = this.#ctx;
    const record = this.#byToken(request);
    const message = this.#messageOf(record, request.params.message);
    const body = asObject(request.body);
    const valid = validateMessage(body, { requireSomething: false, attachments: request.files.length });
    applyEdit(world, message, body, valid, true);
    events.messageUpdate(message);
    return world.messageJson(message);
  }

  #deleteMessage(request: RestRequest): unknown {
    const record = this.#byToken(request);
    const message = this.#messageOf(record, request.params.message);
    message.deleted = true;
    this.#ctx.events.messageDelete(message);
    return undefined;
  }
}

/** What a test holds after `interact`: the interaction, and waits for the app's answers to it. */
export class InteractionHandle {
  readonly record: InteractionRecord;
  readonly #waitFor: InteractionsContext['waitFor'];

  constructor(record: InteractionRecord, waitFor: InteractionsContext['waitFor']) {
    this.record = record;
    this.#waitFor = waitFor;
  }

  get id(): string {
    return this.record.id;
  }

  get token(): string {
    return this.record.token;
  }

  get payload(): Record<string, unknown> {
    return this.record.payload;
  }

  /** Resolves with the accepted acknowledgement (reply, deferral, choices…). */
  async acknowledged(timeoutMs = 5000): Promise<InteractionAck> {
    await this.#waitFor(
      () => this.record.ack !== null,
      timeoutMs,
      `acknowledgement of interaction ${this.id}`,
    );
    return this.record.ack as InteractionAck;
  }

  /** Resolves with the reply once it has content: a type 4 answer, or a deferral's first edit or follow-up. */
  async reply(timeoutMs = 5000): Promise<FakeMessage> {
    await this.#waitFor(
      () => this.record.original !== null && (this.record.original.flags & MessageFlags.Loading) === 0,
      timeoutMs,
      `reply to interaction ${this.id}`,
    );
    return this.record.original as FakeMessage;
  }

  /** Resolves with the first `count` follow-ups (not counting one that filled a deferral). */
  async followUps(count = 1, timeoutMs = 5000): Promise<FakeMessage[]> {
    await this.#waitFor(
      () => this.record.followUps.length >= count,
      timeoutMs,
      `${count} follow-ups to ${this.id}`,
    );
    return this.record.followUps.slice(0, count);
  }

  /** Resolves with the autocomplete choices. */
  async choices(timeoutMs = 5000): Promise<Array<{ name: string; value: string | number }>> {
    await this.#waitFor(() => this.record.choices !== null, timeoutMs, `autocomplete answer to ${this.id}`);
    return this.record.choices ?? [];
  }

  /** Resolves when the app has tried to answer `count` times (accepted or refused). */
  async attempts(count = 1, timeoutMs = 5000): Promise<CallbackAttempt[]> {
    await this.#waitFor(
      () => this.record.attempts.length >= count,
      timeoutMs,
      `${count} callbacks to ${this.id}`,
    );
    return this.record.attempts.slice(0, count);
  }
}

/**
 * The `options` of an interaction's `data`: nested under the group and subcommand, typed by the registered
 * schema (or by the JavaScript value when there is none), the focused one marked for autocomplete.
 */
function buildOptions(schema: CommandOption[] | undefined, input: InteractInput, strict: boolean): unknown[] {
  let level = schema;
  const path: Array<{ name: string; type: number }> = [];
  for (const [name, type] of [
    [input.group, OptionType.SubcommandGroup],
    [input.subcommand, OptionType.Subcommand],
  ] as const) {
    if (name === undefined) continue;
    const found = level?.find((o) => o.name === name && o.type === type);
    if (!found && strict && schema !== undefined)
      throw new Error(`The command has no ${type === 1 ? 'subcommand' : 'group'} "${name}".`);
    level = found?.options ?? (schema === undefined ? undefined : []);
    path.push({ name, type });
  }
  if (strict && level?.some((o) => o.type === OptionType.Subcommand || o.type === OptionType.SubcommandGroup))
    throw new Error('The command needs a subcommand (and group) to be named.');
  const leaves: Array<Record<string, unknown>> = [];
  for (const [name, value] of Object.entries(input.options ?? {})) {
    const declared = level?.find((o) => o.name === name);
    if (!declared && strict && level !== undefined)
      throw new Error(`The command declares no option "${name}".`);
    const focused = input.focused === name;
    if (focused && strict && declared && declared.autocomplete !== true)
      throw new Error(`Option "${name}" does not have autocomplete.`);
    const type = declared?.type ?? inferType(value);
    if (strict && declared && !focused) checkValue(declared, value);
    leaves.push({
      name,
      type,
      value: focused ? String(value) : value,
      ...(focused ? { focused: true } : {}),
    });
  }
  if (input.focused && !(input.focused in (input.options ?? {})))
    leaves.push({ name: input.focused, type: OptionType.String, value: '', focused: true });
  if (strict && !input.focused)
    for (const option of level ?? [])
      if (option.required && !(option.name in (input.options ?? {})))
        throw new Error(`Required option "${option.name}" is missing.`);
  let options: unknown[] = leaves;
  for (const step of [...path].reverse())
    options = [{ name: step.name, type: step.type, ...(options.length > 0 ? { options } : {}) }];
  return options;
}

function inferType(value: OptionValue): number {
  if (typeof value === 'boolean') return OptionType.Boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? OptionType.Integer : OptionType.Number;
  return OptionType.String;
}

function checkValue(option: CommandOption, value: OptionValue): void {
  const ok =
    option.type === OptionType.Boolean
      ? typeof value === 'boolean'
      : option.type === OptionType.Integer
        ? typeof value === 'number' && Number.isInteger(value)
        : option.type === OptionType.Number
          ? typeof value === 'number'
          : typeof value === 'string';
  if (!ok)
    throw new Error(`Option "${option.name}" (type ${option.type}) cannot take ${JSON.stringify(value)}.`);
  if (option.choices && option.choices.length > 0 && !option.choices.some((c) => c.value === value))
    throw new Error(`Option "${option.name}" only takes its choices, not ${JSON.stringify(value)}.`);
}
