import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { queryFromConfig } from '../digest/query.ts';
import { isAppError } from '../errors.ts';
import { storeUrlProblem } from '../store/index.ts';
import { readPromptFile } from '../summarize/prompts.ts';
import { editDistance } from '../text/edit-distance.ts';
import { type Config, configSchema } from './schema.ts';

/*
 * The checks config load runs beyond the schema: what start would otherwise find later (keyword queries the
 * seeding parses, the store URL, the prompt file), so check-config and start refuse the same configs with the
 * same messages; and the warnings a classic config gets (unknown keys, the classic script's own keys,
 * days_back).
 */

/**
 * Keys of the classic "arXiv daily" script's config.json that this bot has no use for, each with what it
 * does instead. They load without an "unknown key" warning, with this one line.
 */
const CLASSIC_KEYS: Record<string, (config: Config) => string> = {
  enable_deduplication: () =>
    'here a paper announced in several categories (a cross-list) always appears once in a digest, and no digest is posted twice',
  deduplication_methods: () =>
    'here papers are told apart by arXiv id, so the announcements of one paper in several categories are merged; titles are not compared',
  fetch_ratings: () =>
    'this bot fetches no ratings from other sites, and ranks papers by the keyword score alone',
  display_limit: (config) =>
    `here "max_papers" (${config.max_papers}) is how many papers a digest shows, in chat as in the Markdown page and RSS feed written under output.dir (${config.output.dir})`,
};

export function classicKeyWarnings(document: Record<string, unknown>, config: Config): string[] {
  return Object.keys(CLASSIC_KEYS)
    .filter((key) => Object.hasOwn(document, key))
    .map((key) => `"${key}" is the classic script's: ${CLASSIC_KEYS[key]?.(config)}. The key is ignored.`);
}

/** days_back above 1, explained: the bot has its own way of not missing a day. */
export function daysBackWarning(config: Config): string[] {
  if (config.days_back <= 1) return [];
  return [
    `days_back is ${config.days_back}: the classic script read that many days of listings at each run. ` +
      "Here a digest holds one arXiv announcement (arXiv's listing feed has only the latest), and the bot " +
      'delivers every announcement once to each channel; after it was down, it delivers the newest one it missed. ' +
      `days_back is not used (index_days, now ${config.index_days}, is how many days of papers /arxiv search keeps).`,
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Unknown keys
// ---------------------------------------------------------------------------------------------------------

/** The object schema inside defaults, optionals and pipes, or null when there is none. */
function objectOf(schema: z.ZodType): z.ZodObject | null {
  if (schema instanceof z.ZodObject) return schema;
  if (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable
  ) {
    return objectOf(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodPipe) return objectOf(schema.in as z.ZodType);
  return null;
}

function elementOf(schema: z.ZodType): z.ZodType | null {
  if (schema instanceof z.ZodArray) return schema.element as z.ZodType;
  if (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable
  ) {
    return elementOf(schema.unwrap() as z.ZodType);
  }
  return null;
}

/** Keys the schema does not know, at the top and inside its sections, each with the closest known key. */
export function unknownKeyWarnings(document: Record<string, unknown>): string[] {
  const warnings: string[] = [];
  const walk = (value: unknown, schema: z.ZodObject, prefix: string, top: boolean) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const known = Object.keys(schema.shape);
    for (const [key, child] of Object.entries(value)) {
      const childSchema = schema.shape[key] as z.ZodType | undefined;
      if (!childSchema) {
        if (top && Object.hasOwn(CLASSIC_KEYS, key)) continue;
        const near = closestKey(key, known);
        warnings.push(
          `Unknown config key "${prefix}${key}" is ignored${near ? ` (did you mean "${prefix}${near}"?)` : ''}.`,
        );
        continue;
      }
      const section = objectOf(childSchema);
      if (section) {
        walk(child, section, `${prefix}${key}.`, false);
        continue;
      }
      const element = elementOf(childSchema);
      const entry = element ? objectOf(element) : null;
      if (entry && Array.isArray(child)) {
        child.forEach((item, index) => {
          walk(item, entry, `${prefix}${key}[${index}].`, false);
        });
      }
    }
  };
  walk(document, configSchema, '', true);
  return warnings;
}

/**
 * The known key a mistyped one most likely meant, by edit distance once case, "_" and "-" are set aside
 * (`categoires` -> categories, `keywrods` -> keywords, `max_paper` -> max_papers), or null.
 */
export function closestKey(key: string, known: readonly string[]): string | null {
  const plain = (name: string) => name.toLowerCase().replace(/[_-]/g, '');
  const wanted = plain(key);
  let best: { name: string; distance: number } | null = null;
  for (const name of known) {
    const candidate = plain(name);
    const distance = editDistance(wanted, candidate);
    const prefix =
      Math.min(wanted.length, candidate.length) >= 4 &&
      (candidate.startsWith(wanted) || wanted.startsWith(candidate));
    // Two edits for words of five letters or more (a swapped pair is two), one for shorter words.
    const allowed = wanted.length >= 5 ? 2 : wanted.length >= 3 ? 1 : 0;
    if ((distance <= allowed || prefix) && (best === null || distance < best.distance)) {
      best = { name, distance };
    }
  }
  return best?.name ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// What start would refuse
// ---------------------------------------------------------------------------------------------------------

/** A term no exclusion is likely to repeat, to check exclusions when there are no keywords. */
const STAND_IN = 'arxivdigeststandinterm';

export interface Checked {
  config: Config;
  issues: string[];
  warnings: string[];
}

/**
 * Checks a valid (schema-checked, environment-merged) config for what the bot would refuse at start: the
 * keyword queries of the top level and of each channel (as the seeding builds them), the store URL, and the
 * prompt file. A prompt file that does not exist is a warning, and the built-in prompt is used.
 */
export function checkConfig(config: Config, cwd: string): Checked {
  const issues = new Set<string>();
  const warnings: string[] = [];

  const query = (keywords: readonly string[], exclude: readonly string[], prefix: string) => {
    try {
      // With no keywords, only the exclusions' own form can be wrong: check them beside a stand-in term.
      queryFromConfig(keywords.length > 0 ? keywords : [STAND_IN], exclude);
    } catch (error) {
      if (!isAppError(error)) throw error;
      issues.add(`${prefix}${error.userMessage}`);
    }
  };
  query(config.keywords, config.exclude_keywords, '');
  config.channels.forEach((channel, index) => {
    if (channel.keywords === undefined && channel.exclude_keywords === undefined) return;
    query(
      channel.keywords ?? config.keywords,
      channel.exclude_keywords ?? config.exclude_keywords,
      `channels[${index}]: `,
    );
  });

  const store = storeUrlProblem(config.store.url);
  if (store) issues.add(store);

  let checked = config;
  const promptFile = config.ai_summary.prompt_file;
  if (promptFile) {
    const path = resolve(cwd, promptFile);
    if (!exists(path)) {
      warnings.push(
        `ai_summary.prompt_file: ${path} does not exist, so the built-in structured-summary prompt is used.`,
      );
      checked = { ...config, ai_summary: { ...config.ai_summary, prompt_file: null } };
    } else {
      try {
        readPromptFile(path);
      } catch (error) {
        if (!isAppError(error)) throw error;
        issues.add(error.userMessage);
      }
    }
  }
  return { config: checked, issues: [...issues], warnings };
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    return true;
  }
}
