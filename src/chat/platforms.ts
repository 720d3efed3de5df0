/**
 * The product's chat platforms: the one list the core knows (config validation of ids, labels on pages).
 * How each is detected, built and routed is the adapters' registry (adapters/index.ts); the config reads
 * each platform's variables (src/config/schema.ts) and checks ids in config.json against the shapes below.
 */
export interface IdShape {
  /** The whole id, platform prefix included. */
  pattern: RegExp;
  /** How it is written, for messages: "slack:<team id>:<channel id>". */
  form: string;
  /** A well-formed example. */
  example: string;
  /** Where to find the parts, for messages about a malformed id. */
  note?: string;
}

export interface PlatformInfo {
  /** How people name it: "Slack". */
  label: string;
  /** A channel target of this platform (a `channels[].target` of config.json). */
  channel: IdShape;
  /** A user id of this platform (an entry of `admins`; also a direct-message target). */
  user: IdShape;
  /** A channel target of this platform, for messages about ids. */
  channelExample: string;
  /** A user id of this platform. */
  userExample: string;
}

/** A Discord id (a snowflake): 17 to 20 digits. */
const SNOWFLAKE = String.raw`\d{17,20}`;

const slack = {
  label: 'Slack',
  // Team ids start with T, channel ids with C (G for older private channels), user ids with U (W on
  // Enterprise Grid): upper-case letters and digits, as Slack's "Copy link" and member profiles show them.
  channel: {
    pattern: /^slack:T[A-Z0-9]+:[CG][A-Z0-9]+$/,
    form: 'slack:<team id>:<channel id>',
    example: 'slack:T0123ABCD:C0456EFGH',
    note: "the team id starts with T, the channel id with C: both are in the channel's address in Slack's web app, app.slack.com/client/T…/C…",
  },
  user: {
    pattern: /^slack:T[A-Z0-9]+:@[UW][A-Z0-9]+$/,
    form: 'slack:<team id>:@<user id>',
    example: 'slack:T0123ABCD:@U0456EFGH',
    note: "the user id starts with U: Copy member ID in the person's profile; the team id is in Slack's web address, app.slack.com/client/T…",
  },
  channelExample: 'slack:T0123ABCD:C0456EFGH',
  userExample: 'slack:T0123ABCD:@U0456EFGH',
} satisfies PlatformInfo;

const discord = {
  label: 'Discord',
  channel: {
    pattern: new RegExp(`^discord:${SNOWFLAKE}:${SNOWFLAKE}$`),
    form: 'discord:<server id>:<channel id>',
    example: 'discord:123456789012345678:234567890123456789',
    note: 'each id is 17 to 20 digits: Copy Server ID and Copy Channel ID in Discord, with Developer Mode on',
  },
  user: {
    pattern: new RegExp(`^discord:@${SNOWFLAKE}$`),
    form: 'discord:@<user id>',
    example: 'discord:@345678901234567890',
    note: 'the id is 17 to 20 digits: Copy User ID in Discord, with Developer Mode on',
  },
  channelExample: 'discord:123456789012345678:234567890123456789',
  userExample: 'discord:@345678901234567890',
} satisfies PlatformInfo;

const shell = {
  label: 'Shell',
  channel: { pattern: /^shell:[A-Za-z0-9][\w.-]*$/, form: 'shell:<name>', example: 'shell:local' },
  user: { pattern: /^shell:@[A-Za-z0-9][\w.-]*$/, form: 'shell:@<name>', example: 'shell:@you' },
  channelExample: 'shell:local',
  userExample: 'shell:@you',
} satisfies PlatformInfo;

export const PLATFORMS = { slack, discord, shell } as const satisfies Record<string, PlatformInfo>;

export type ProductPlatform = keyof typeof PLATFORMS;

export const PLATFORM_NAMES = Object.keys(PLATFORMS) as ProductPlatform[];

export function isProductPlatform(name: string): name is ProductPlatform {
  return Object.hasOwn(PLATFORMS, name);
}

/** The label of a target's platform ("Slack" for `slack:T1:C2`), or its prefix when it is not a product one. */
export function platformLabel(name: string): string {
  return isProductPlatform(name) ? PLATFORMS[name].label : name;
}

/**
 * What is wrong with a channel target or user id written in config.json, as the end of the sentence
 * "expected ...", or null when it has the shape of its platform's ids.
 */
export function idProblem(id: string, kind: 'channel' | 'user'): string | null {
  const colon = id.indexOf(':');
  const name = colon > 0 ? id.slice(0, colon) : '';
  const what = kind === 'channel' ? 'channel' : 'user';
  if (!isProductPlatform(name)) {
    const forms = PLATFORM_NAMES.map((platform) => `${PLATFORMS[platform][kind].form}`).join(', ');
    return `a ${what} id that starts with its platform: ${forms}; for example "${PLATFORMS.slack[kind].example}"`;
  }
  const platform: PlatformInfo = PLATFORMS[name];
  const shape = platform[kind];
  if (shape.pattern.test(id)) return null;
  const other = kind === 'channel' ? 'user' : 'channel';
  const hint = platform[other].pattern.test(id)
    ? ` (this is a ${other} id)`
    : shape.note
      ? ` (${shape.note})`
      : '';
  return `a ${platform.label} ${what} id written ${shape.form}, such as "${shape.example}"${hint}`;
}
