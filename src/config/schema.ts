import { z } from 'zod';
import { ANNOUNCE_TYPES } from '../arxiv/paper.ts';
import { canonicalCategory, closestCategories } from '../arxiv/taxonomy.ts';
import { idProblem } from '../chat/platforms.ts';

/*
 * The schema of config.json. Every error message below completes the sentence "expected ...": the loader
 * prints `<path>: expected <message>, found <value>`. Keys are snake_case, like the classic script's.
 */

const wholeNumber = (min: number, max: number) => {
  const expected = `a whole number from ${min} to ${max}`;
  return z.int({ error: expected }).min(min, { error: expected }).max(max, { error: expected });
};

const number = (min: number, max: number) => {
  const expected = `a number from ${min} to ${max}`;
  return z.number({ error: expected }).min(min, { error: expected }).max(max, { error: expected });
};

/**
 * A size limit on what a server sends, in bytes: 10 kB to 500 MB (a text over about 512 MB cannot be a
 * JavaScript string at all).
 */
const byteLimit = wholeNumber(10_000, 500_000_000);

const text = (what: string) => z.string({ error: what }).trim().min(1, { error: what });

/**
 * An http(s) URL without a user or password in it: such a URL would end up in error messages and logs
 * (fetch refuses it and quotes it whole). Credentials belong in environment variables.
 */
const httpUrl = (what: string) =>
  z
    .url({ protocol: /^https?$/, error: `${what} (an http:// or https:// URL)` })
    .refine((url) => !/^https?:\/\/[^/?#]*@/i.test(url), {
      error: `${what} without a user or password in it (give credentials through their environment variable)`,
    })
    .transform((url) => url.replace(/\/+$/, ''));

/** An arXiv category or archive; accepted in any case and stored in arXiv's spelling. */
export const category = z
  .string({ error: 'an arXiv category such as "cs.AI"' })
  .transform((value, context) => {
    const canonical = canonicalCategory(value);
    if (canonical) return canonical;
    context.addIssue({
      code: 'custom',
      message: `a known arXiv category (closest: ${closestCategories(value).join(', ')})`,
      input: value,
    });
    return z.NEVER;
  });

const keywordList = z.array(text('a non-empty keyword'), { error: 'a list of keywords' });

const aiSummary = z.object({
  enabled: z.boolean({ error: 'true or false' }).default(true),
  base_url: httpUrl('the base URL of an OpenAI-compatible API').default('https://api.openai.com/v1'),
  model: text('a model name').default('gpt-4o-mini'),
  /** The name of the environment variable holding the API key; never the key itself. */
  api_key_env: z
    .string({ error: 'the name of an environment variable' })
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
      error: 'the name of an environment variable, such as OPENAI_API_KEY',
    })
    .default('OPENAI_API_KEY'),
  prompt_file: text('a path to a prompt file').nullable().default(null),
  max_papers_to_summarize: wholeNumber(0, 200).default(10),
  max_workers: wholeNumber(1, 32).default(3),
  language: text('a language code such as "en" or "zh"').default('en'),
  /** Estimated tokens of full text sent for a structured summary; references and appendices are cut first. */
  input_token_budget: wholeNumber(1000, 1_000_000).default(20_000),
  /** The most tokens a structured summary may use. */
  max_output_tokens: wholeNumber(100, 32_000).default(1500),
  request_timeout_seconds: wholeNumber(5, 600).default(120),
  max_retries: wholeNumber(0, 10).default(3),
  /** A digest goes out with the summaries ready by then; the rest finish in the background for the cache. */
  digest_deadline_seconds: wholeNumber(1, 3600).default(120),
  /** The most bytes read of one answer of the model endpoint (a longest summary is well under 200 kB). */
  max_response_bytes: byteLimit.default(4_000_000),
});

/** Learned ranking from the team's votes (src/rank/): embeddings, profile weight, recommendations. */
const ranking = z.object({
  /** The model of the OpenAI-compatible `embeddings` endpoint. */
  embedding_model: text('an embedding model name').default('text-embedding-3-small'),
  /** Null: ai_summary.base_url. */
  base_url: httpUrl('the base URL of an OpenAI-compatible API').nullable().default(null),
  /** The name of the environment variable holding the key; null: ai_summary.api_key_env. */
  api_key_env: z
    .string({ error: 'the name of an environment variable' })
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
      error: 'the name of an environment variable, such as OPENAI_API_KEY',
    })
    .nullable()
    .default(null),
  /** Texts per embeddings request (OpenAI allows 2048, some providers 10). */
  batch_size: wholeNumber(1, 2048).default(96),
  /** The most bytes read of one embeddings answer (96 vectors of 3072 floats in JSON are about 6 MB). */
  max_response_bytes: byteLimit.default(20_000_000),
  /** Days a paper's embedding is kept in the store. */
  keep_days: wholeNumber(1, 3650).default(90),
  /**
   * Weight of the learned relevance (a z-score within the listing, src/rank/learned.ts) beside the keyword
   * score: the weight `npm run bench ranking` picks. Change it only with a new run of that evaluation.
   */
  learned_weight: number(0, 100).default(1),
  /** Up to this many papers with no keyword hit but close to the target's likes join its digest, marked recommended. */
  recommend: wholeNumber(0, 50).default(2),
  /** A vote counts half after this many days. */
  half_life_days: number(1, 3650).default(30),
});

const arxiv = z.object({
  rss_url: httpUrl('the base URL of the arXiv listing feeds').default('https://rss.arxiv.org/rss'),
  api_url: httpUrl('the URL of the arXiv query API').default('https://export.arxiv.org/api/query'),
  /** Where full texts are read for summaries: arXiv's HTML rendering first, the PDF second. */
  html_url: httpUrl('the base URL of arXiv HTML papers').default('https://arxiv.org/html'),
  pdf_url: httpUrl('the base URL of arXiv PDFs').default('https://arxiv.org/pdf'),
  /** arXiv asks for one request at a time, at least 3 s apart. Lower it only for a mirror or a test server. */
  min_interval_ms: wholeNumber(0, 600_000).default(3000),
  timeout_ms: wholeNumber(1000, 600_000).default(30_000),
  max_retries: wholeNumber(0, 10).default(4),
  /** Sent in the User-Agent so arXiv can reach whoever runs the bot: a URL or an email address. */
  contact: text('a contact URL or email address').default('https://github.com/arxiv-digest/arxiv-digest'),
  /**
   * The most bytes read of each kind of answer (see DEFAULT_BODY_LIMITS in src/arxiv/client.ts for real
   * sizes): a larger one is cut off and refused rather than held in memory.
   */
  max_listing_bytes: byteLimit.default(50_000_000),
  max_api_bytes: byteLimit.default(20_000_000),
  max_html_bytes: byteLimit.default(20_000_000),
  max_pdf_bytes: byteLimit.default(50_000_000),
});

const store = z.object({
  url: text('a store URL such as "sqlite://./data/arxiv-digest.sqlite"').default(
    'sqlite://./data/arxiv-digest.sqlite',
  ),
});

const output = z.object({
  /** Where the console delivery writes digests as Markdown and RSS. */
  dir: text('a directory path').default('./data'),
  /**
   * Where the RSS file is published (e.g. GitHub Pages), for the feed's `atom:link rel="self"`; null: the feed
   * has no self link (never a file:// one).
   */
  feed_url: httpUrl('the public URL of the RSS feed').nullable().default(null),
  /** The Markdown page's layout: "default" (ours) or "classic" (the classic script's README layout). */
  template: z.enum(['default', 'classic'], { error: '"default" or "classic"' }).default('default'),
});

const rss = z.object({
  /**
   * Serves the classic RSS service's URLs without a token: `GET /rss` (the config's top-level keywords and
   * categories) and `GET /rss/<category>`. Off by default: feeds are private unless this says otherwise.
   */
  public: z.boolean({ error: 'true or false' }).default(false),
});

/** An IANA time zone such as "Europe/Berlin", checked against the runtime's time zone database. */
export const timeZone = z.string({ error: 'an IANA time zone such as "Europe/Berlin"' }).refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'an IANA time zone such as "Europe/Berlin" or "UTC"' },
);

const localTime = z
  .string({ error: 'a time of day "HH:MM" (24-hour)' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'a time of day "HH:MM" (24-hour)' });

/**
 * A channel or user id of a product platform, in that platform's shape (src/chat/platforms.ts); the message
 * shows the right form.
 */
const platformId = (kind: 'channel' | 'user') =>
  z
    .string({
      error: `a ${kind} id such as "${kind === 'channel' ? 'slack:T0123ABCD:C0456EFGH' : 'slack:T0123ABCD:@U0456EFGH'}"`,
    })
    .trim()
    .superRefine((id, context) => {
      const problem = idProblem(id, kind);
      if (problem) context.addIssue({ code: 'custom', message: problem, input: id });
    });

/** A chat channel the bot follows from its first start, as an opaque target id (see the README). */
const seededChannel = z.object({
  target: platformId('channel'),
  keywords: keywordList.optional(),
  exclude_keywords: keywordList.optional(),
  categories: z.array(category, { error: 'a list of arXiv categories' }).min(1).optional(),
  time: localTime.optional(),
  timezone: timeZone.optional(),
});

const schedule = z.object({
  /** The default daily time of a digest, in `timezone`. */
  time: localTime.default('08:00'),
  timezone: timeZone.default('UTC'),
});

/** Votes: a like or dislike reaction on a paper the bot posted (src/bot/feedback.ts). */
const feedback = z.object({
  /** A Slack name (`+1`, `thumbsup`) or the emoji itself; either way matches both platforms' spelling. */
  like_emoji: text('an emoji name such as "+1"').default('+1'),
  dislike_emoji: text('an emoji name such as "-1"').default('-1'),
});

const http = z.object({
  host: text('a host name or address').default('127.0.0.1'),
  port: wholeNumber(0, 65_535).default(8080),
  /** The public base URL of this server, for feed links; without it, feeds name the local address. */
  public_url: httpUrl('the public URL of this server').nullable().default(null),
});

export const configSchema = z.object({
  categories: z
    .array(category, { error: 'a list of arXiv categories' })
    .min(1, { error: 'at least one arXiv category' })
    .default(['cs.AI', 'cs.CL', 'cs.DC', 'cs.LG']),
  keywords: keywordList.default([]),
  exclude_keywords: keywordList.default([]),
  max_papers: wholeNumber(1, 500).default(30),
  days_back: wholeNumber(1, 30).default(1),
  min_score: number(0, 1000).default(0),
  /** "word": word boundaries, tolerated plural, phrases. "substring": the classic script's plain substring test. */
  match: z.enum(['word', 'substring'], { error: '"word" or "substring"' }).default('word'),
  announce_types: z
    .array(z.enum(ANNOUNCE_TYPES, { error: `one of ${ANNOUNCE_TYPES.map((t) => `"${t}"`).join(', ')}` }))
    .min(1, { error: 'at least one announce type' })
    .default(['new', 'cross']),
  ai_summary: aiSummary.prefault({}),
  ranking: ranking.prefault({}),
  arxiv: arxiv.prefault({}),
  store: store.prefault({}),
  output: output.prefault({}),
  rss: rss.prefault({}),
  schedule: schedule.prefault({}),
  /** Chat channels that follow the top-level categories and keywords (or their own) from the first start. */
  channels: z.array(seededChannel, { error: 'a list of channels' }).default([]),
  /** Reacting with this emoji to a paper posts its summary in the thread: a Slack name or the emoji itself. */
  summary_emoji: text('an emoji name such as "memo"').default('memo'),
  /** Reacting with this emoji to a paper posts its BibTeX in the thread: a Slack name or the emoji itself. */
  cite_emoji: text('an emoji name such as "books"').default('books'),
  feedback: feedback.prefault({}),
  /**
   * User ids allowed to change channel settings (`slack:T1:@U2`, `discord:@123`). Empty: whoever the
   * platform lets manage the channel.
   */
  admins: z.array(platformId('user'), { error: 'a list of user ids' }).default([]),
  /** Days of papers kept in the local index for search and catch-up. */
  index_days: wholeNumber(1, 90).default(30),
  http: http.prefault({}),
  log_level: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'one of "fatal", "error", "warn", "info", "debug", "trace", "silent"',
    })
    .default('info'),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/**
 * Environment variables that override config.json. Same message convention as above.
 * Secrets (API keys, chat tokens) are read where they are used, by the names the config gives.
 */
export const envSchema = z.object({
  ARXIV_DIGEST_CONFIG: text('a path to a config file').optional(),
  ARXIV_RSS_URL: httpUrl('the base URL of the arXiv listing feeds').optional(),
  ARXIV_API_URL: httpUrl('the URL of the arXiv query API').optional(),
  ARXIV_MIN_INTERVAL_MS: z
    .string()
    .regex(/^\d+$/, { error: 'a whole number of milliseconds' })
    .transform(Number)
    .pipe(wholeNumber(0, 600_000))
    .optional(),
  STORE_URL: text('a store URL').optional(),
  HTTP_HOST: text('a host name or address to listen on').optional(),
  PUBLIC_URL: httpUrl('the public URL of this server').optional(),
  PORT: z
    .string()
    .regex(/^\d+$/, { error: 'a port number' })
    .transform(Number)
    .pipe(wholeNumber(0, 65_535))
    .optional(),
  SLACK_BOT_TOKEN: text('a Slack bot token (xoxb-...)').optional(),
  SLACK_APP_TOKEN: text('a Slack app-level token (xapp-...)').optional(),
  SLACK_SIGNING_SECRET: text("a Slack app's signing secret").optional(),
  SLACK_API_URL: httpUrl('the Slack Web API base URL').optional(),
  SLACK_POSTS_PER_MINUTE: z
    .string()
    .regex(/^\d+$/, { error: 'a whole number of posts a minute (0: no workspace-wide pacing)' })
    .transform(Number)
    .pipe(wholeNumber(0, 100_000))
    .optional(),
  DISCORD_TOKEN: text('a Discord bot token (the Bot page of the application)').optional(),
  DISCORD_APPLICATION_ID: z
    .string()
    .regex(/^\d{17,20}$/, {
      error: "a Discord application id (17 to 20 digits, the application's General Information page)",
    })
    .optional(),
  DISCORD_DEV_GUILD_ID: z
    .string()
    .regex(/^\d{17,20}$/, {
      error: 'a Discord server id (17 to 20 digits: Copy Server ID in Developer Mode)',
    })
    .optional(),
  DISCORD_API_URL: httpUrl('the Discord REST API base URL, including /api').optional(),
  DISCORD_MESSAGE_CONTENT: z
    .enum(['true', 'false', '1', '0'], { error: 'true or false' })
    .transform((value) => value === 'true' || value === '1')
    .optional(),
  LOG_LEVEL: configSchema.shape.log_level.unwrap().optional(),
  /**
   * This replica's lease holder id, kept across restarts (src/replica.ts); unique per running replica.
   * Without it, each process claims one from the data directory.
   */
  REPLICA_ID: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, {
      error: 'a replica name of letters, digits and . _ : @ - (at most 128), such as "bot-0"',
    })
    .optional(),
});

export type Env = z.infer<typeof envSchema>;
