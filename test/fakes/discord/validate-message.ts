/**
 * Discord's checks on a message body (channel messages, interaction answers, webhook follow-ups), with its
 * error shapes: 50035 Invalid Form Body for content over 2,000, more than 10 embeds, embed fields over their
 * limits (title 256, description 4,096, 25 fields of name 256 / value 1,024, footer 2,048, author 256),
 * embed text over 6,000 in all, URLs that are not http(s), a nonce over 25 characters, conflicting
 * `allowed_mentions`; 50006 for a message with nothing in it.
 */
import { Errors, FormErrors } from './errors.ts';

export const LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  embedTotal: 6000,
  nonce: 25,
  components: 5,
} as const;

export interface ValidMessage {
  content: string | undefined;
  embeds: Record<string, unknown>[] | undefined;
  components: unknown[] | undefined;
  flags: number | undefined;
  nonce: string | number | undefined;
  enforceNonce: boolean;
  allowedMentions: unknown;
  messageReference: Record<string, unknown> | undefined;
}

/**
 * Checks `body`; throws the DiscordError Discord would answer. `requireSomething` is false for edits (a
 * PATCH may change flags alone) and true for new messages; `attachments` counts uploaded files.
 */
export function validateMessage(
  body: Record<string, unknown>,
  options: { requireSomething: boolean; attachments?: number; path?: ReadonlyArray<string | number> },
): ValidMessage {
  const errors = new FormErrors();
  const at = (...keys: Array<string | number>) => [...(options.path ?? []), ...keys];

  const content = body.content;
  if (content !== undefined && content !== null && typeof content !== 'string')
    errors.add(at('content'), 'BASE_TYPE_STRING', 'Must be a string.');
  errors.length(at('content'), content, LIMITS.content);

  let embeds: Record<string, unknown>[] | undefined;
  if (body.embeds !== undefined && body.embeds !== null) {
    if (!Array.isArray(body.embeds)) errors.add(at('embeds'), 'BASE_TYPE_ARRAY', 'Must be an array.');
    else {
      if (body.embeds.length > LIMITS.embeds)
        errors.add(at('embeds'), 'BASE_TYPE_MAX_LENGTH', `Must be ${LIMITS.embeds} or fewer in length.`);
      let total = 0;
      body.embeds.forEach((embed, index) => {
        total += checkEmbed(errors, at('embeds', index), embed);
      });
      if (total > LIMITS.embedTotal)
        errors.add(
          at('embeds'),
          'MAX_EMBED_SIZE_EXCEEDED',
          `Embed size exceeds maximum size of ${LIMITS.embedTotal}`,
        );
      embeds = (body.embeds as Record<string, unknown>[]).map((e) => ({
        type: 'rich',
        ...e,
        content_scan_version: 0,
      }));
    }
  }

  let components: unknown[] | undefined;
  if (body.components !== undefined && body.components !== null) {
    if (!Array.isArray(body.components)) errors.add(at('components'), 'BASE_TYPE_ARRAY', 'Must be an array.');
    else components = body.components;
  }

  const nonce = body.nonce;
  if (nonce !== undefined && nonce !== null) {
    if (typeof nonce === 'string') errors.length(at('nonce'), nonce, LIMITS.nonce);
    else if (typeof nonce !== 'number' || !Number.isInteger(nonce))
      errors.add(at('nonce'), 'NONCE_TYPE_INVALID', 'Nonce must be an integer or a string.');
  }

  const allowed = body.allowed_mentions;
  if (allowed !== undefined && allowed !== null)
    checkAllowedMentions(errors, at('allowed_mentions'), allowed);

  const reference = body.message_reference;
  if (reference !== undefined && reference !== null && typeof reference !== 'object')
    errors.add(at('message_reference'), 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');

  errors.throwIfAny();

  const hasSomething =
    (typeof content === 'string' && content.length > 0) ||
    (embeds?.length ?? 0) > 0 ||
    (components?.length ?? 0) > 0 ||
    (options.attachments ?? 0) > 0 ||
    (Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0) ||
    body.poll !== undefined;
  if (options.requireSomething && !hasSomething) throw Errors.emptyMessage();

  return {
    content: typeof content === 'string' ? content : undefined,
    embeds,
    components,
    flags: typeof body.flags === 'number' ? body.flags : undefined,
    nonce: typeof nonce === 'string' || typeof nonce === 'number' ? nonce : undefined,
    enforceNonce: body.enforce_nonce === true,
    allowedMentions: allowed ?? undefined,
    messageReference:
      reference && typeof reference === 'object' ? (reference as Record<string, unknown>) : undefined,
  };
}

/** Checks one embed; returns the characters it counts toward the 6,000 of a message. */
function checkEmbed(errors: FormErrors, path: Array<string | number>, value: unknown): number {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return 0;
  }
  const embed = value as Record<string, unknown>;
  let total = 0;
  const text = (key: ReadonlyArray<string | number>, v: unknown, max: number, required = false): void => {
    if (v === undefined || v === null) {
      if (required) errors.add([...path, ...key], 'BASE_TYPE_REQUIRED', 'This field is required');
      return;
    }
    if (typeof v !== 'string') {
      errors.add([...path, ...key], 'BASE_TYPE_STRING', 'Must be a string.');
      return;
    }
    if (required && v.trim() === '')
      errors.add([...path, ...key], 'BASE_TYPE_REQUIRED', 'This field is required');
    errors.length([...path, ...key], v, max);
    total += v.length;
  };
  const url = (key: ReadonlyArray<string | number>, v: unknown): void => {
    if (v === undefined || v === null) return;
    if (typeof v !== 'string' || !/^(https?|attachment):\/\/\S+$/.test(v))
      errors.add([...path, ...key], 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
    else if (v.length > 2048) errors.length([...path, ...key], v, 2048);
  };
  text(['title'], embed.title, LIMITS.title);
  text(['description'], embed.description, LIMITS.description);
  url(['url'], embed.url);
  if (embed.color !== undefined && embed.color !== null) {
    const color = embed.color;
    if (typeof color !== 'number' || !Number.isInteger(color) || color < 0 || color > 0xffffff)
      errors.add(
        [...path, 'color'],
        'NUMBER_TYPE_MAX',
        'int value should be less than or equal to 16777215.',
      );
  }
  if (embed.timestamp !== undefined && embed.timestamp !== null) {
    if (typeof embed.timestamp !== 'string' || Number.isNaN(Date.parse(embed.timestamp)))
      errors.add([...path, 'timestamp'], 'DATE_TYPE_PARSE', 'Could not parse timestamp. Should be ISO8601.');
  }
  const footer = embed.footer as Record<string, unknown> | undefined;
  if (footer !== undefined && footer !== null) {
    text(['footer', 'text'], footer.text, LIMITS.footer, true);
    url(['footer', 'icon_url'], footer.icon_url);
  }
  const author = embed.author as Record<string, unknown> | undefined;
  if (author !== undefined && author !== null) {
    text(['author', 'name'], author.name, LIMITS.author, true);
    url(['author', 'url'], author.url);
    url(['author', 'icon_url'], author.icon_url);
  }
  for (const key of ['image', 'thumbnail'] as const) {
    const media = embed[key] as Record<string, unknown> | undefined;
    if (media !== undefined && media !== null) url([key, 'url'], media.url);
  }
  if (embed.fields !== undefined && embed.fields !== null) {
    if (!Array.isArray(embed.fields)) errors.add([...path, 'fields'], 'BASE_TYPE_ARRAY', 'Must be an array.');
    else {
      if (embed.fields.length > LIMITS.fields)
        errors.add(
          [...path, 'fields'],
          'BASE_TYPE_MAX_LENGTH',
          `Must be ${LIMITS.fields} or fewer in length.`,
        );
      embed.fields.forEach((field: unknown, index: number) => {
        const f = (field ?? {}) as Record<string, unknown>;
        text(['fields', index, 'name'], f.name, LIMITS.fieldName, true);
        text(['fields', index, 'value'], f.value, LIMITS.fieldValue, true);
      });
    }
  }
  return total;
}

function checkAllowedMentions(errors: FormErrors, path: Array<string | number>, value: unknown): void {
  if (typeof value !== 'object' || value === null) {
    errors.add(path, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return;
  }
  const allowed = value as Record<string, unknown>;
  const parse = allowed.parse;
  if (parse !== undefined) {
    if (!Array.isArray(parse)) errors.add([...path, 'parse'], 'BASE_TYPE_ARRAY', 'Must be an array.');
    else
      parse.forEach((p, i) => {
        if (p !== 'users' && p !== 'roles' && p !== 'everyone')
          errors.add(
            [...path, 'parse', i],
            'BASE_TYPE_CHOICES',
            `Value must be one of {'everyone', 'roles', 'users'}.`,
          );
      });
  }
  for (const key of ['users', 'roles'] as const) {
    const ids = allowed[key];
    if (ids === undefined) continue;
    if (!Array.isArray(ids)) {
      errors.add([...path, key], 'BASE_TYPE_ARRAY', 'Must be an array.');
      continue;
    }
    if (ids.length > 100)
      errors.add([...path, key], 'BASE_TYPE_MAX_LENGTH', 'Must be 100 or fewer in length.');
    if (ids.length > 0 && Array.isArray(parse) && parse.includes(key))
      errors.add(
        path,
        'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
        `parse:["${key}"] and ${key}: [ids...] are mutually exclusive.`,
      );
  }
}
