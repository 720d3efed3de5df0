import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LoadOptions, loadConfig } from '../../../src/config/load.ts';
import { UserError } from '../../../src/errors.ts';

/*
 * What `start` refuses, config load refuses, so check-config says it first (issue 10). And the classic
 * script's config.json loads unchanged, with its differences explained once each.
 */

const fixtures = resolve(import.meta.dirname, '../../fixtures/config');
const classicText = readFileSync(join(fixtures, 'classic.json'), 'utf8');

/** A config file in a fresh directory (also the working directory, for prompt_file). */
function writeConfig(document: unknown): { path: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-validation-'));
  const path = join(dir, 'config.json');
  writeFileSync(path, typeof document === 'string' ? document : JSON.stringify(document, null, 2));
  return { path, dir };
}

function load(document: unknown, env: NodeJS.ProcessEnv = {}) {
  const { path, dir } = writeConfig(document);
  return loadConfig({ path, cwd: dir, env });
}

function loadError(document: unknown, env: NodeJS.ProcessEnv = {}): string {
  const { path, dir } = writeConfig(document);
  return errorOf({ path, cwd: dir, env });
}

function errorOf(options: LoadOptions): string {
  try {
    loadConfig(options);
  } catch (error) {
    if (error instanceof UserError) return error.userMessage;
    throw error;
  }
  throw new Error('expected loadConfig to throw');
}

describe('config load refuses what start would refuse', () => {
  it('a keyword with an unbalanced quote, or starting with "-", with the message the seeding gave', () => {
    expect(loadError({ keywords: ['LLM', '"mixture of experts'] })).toContain(
      'keywords[1] ("mixture of experts) has an unbalanced quote: close the quoted phrase',
    );
    expect(loadError({ keywords: ['-survey'] })).toContain(
      'keywords[0] (-survey) starts with "-". Move the term to "exclude_keywords" to exclude it.',
    );
    expect(loadError({ keywords: ['LLM'], exclude_keywords: ['LLM'] })).toContain(
      '"LLM" is both wanted and excluded',
    );
  });

  it("a channel's own keywords, naming the channel", () => {
    const message = loadError({
      keywords: ['LLM'],
      channels: [{ target: 'shell:local' }, { target: 'shell:team', keywords: ['ok', 'bad "quote'] }],
    });
    expect(message).toContain('channels[1]: keywords[1] (bad "quote) has a quote inside it');
    expect(message).not.toContain('channels[0]');
  });

  it('an exclusion the top-level keywords would never use is still checked', () => {
    expect(loadError({ keywords: [], exclude_keywords: ['"survey'] })).toContain(
      'exclude_keywords[0] ("survey) has an unbalanced quote',
    );
  });

  it('a store URL of an unknown scheme, from config.json or STORE_URL', () => {
    expect(loadError({ store: { url: 'mysql://db/arxiv' } })).toContain(
      'store.url (STORE_URL) "mysql://db/arxiv" is not a supported store URL. Use sqlite://',
    );
    const fromEnv = loadError({}, { STORE_URL: 'mysql://u:secret@db/arxiv' });
    expect(fromEnv).toContain('"mysql://u@db/arxiv" is not a supported store URL');
    expect(fromEnv).not.toContain('secret');
    expect(loadError({ store: { url: 'sqlite://' } })).toContain('"sqlite://" needs a file path');
    expect(load({ store: { url: 'redis://127.0.0.1:6379' } }).config.store.url).toBe(
      'redis://127.0.0.1:6379',
    );
  });

  it('a channel target or admin id not of its platform’s form, showing the right form', () => {
    const message = loadError({
      channels: [
        { target: 'slack:C123' },
        { target: 'discord:123:456' },
        { target: 'slack:T0123:@U0456' },
        { target: 'slack:T0123ABCD:C0456EFGH' },
        { target: 'discord:123456789012345678:234567890123456789' },
        { target: 'shell:local' },
      ],
      admins: [
        'U123',
        'slack:T0123:C0456',
        'discord:@12',
        'slack:T0123:@U0456',
        'discord:@345678901234567890',
      ],
    });
    expect(message).toContain(
      'channels[0].target: expected a Slack channel id written slack:<team id>:<channel id>, such as "slack:T0123ABCD:C0456EFGH" (the team id starts with T',
    );
    expect(message).toContain('found "slack:C123" (a string)');
    expect(message).toMatch(
      /channels\[1\]\.target: expected a Discord channel id written discord:<server id>:<channel id>, such as "discord:\d{18}:\d{18}" \(each id is 17 to 20 digits/,
    );
    expect(message).toContain(
      'channels[2].target: expected a Slack channel id written slack:<team id>:<channel id>, such as "slack:T0123ABCD:C0456EFGH" (this is a user id)',
    );
    expect(message).toContain(
      'admins[0]: expected a user id that starts with its platform: slack:<team id>:@<user id>, discord:@<user id>, shell:@<name>',
    );
    expect(message).toContain('found "U123" (a string)');
    expect(message).toContain(
      'admins[1]: expected a Slack user id written slack:<team id>:@<user id>, such as "slack:T0123ABCD:@U0456EFGH" (this is a channel id)',
    );
    expect(message).toContain('admins[2]: expected a Discord user id written discord:@<user id>');
    for (const fine of ['channels[3]', 'channels[4]', 'channels[5]', 'admins[3]', 'admins[4]']) {
      expect(message).not.toContain(fine);
    }
  });

  it('reports every problem at once: schema, keywords, ids and store together', () => {
    const message = loadError({
      max_papers: 0,
      keywords: ['-x'],
      admins: ['U1'],
      store: { url: 'mysql://db' },
    });
    expect(message).toContain('max_papers: expected');
    expect(message).toContain('keywords[0] (-x) starts with "-"');
    expect(message).toContain('admins[0]: expected');
    expect(message).toContain('not a supported store URL');
  });
});

describe('unknown keys, JSON syntax and the top level', () => {
  it('suggests the closest known key by edit distance, at the top and inside sections', () => {
    const { warnings } = load({
      categoires: ['cs.AI'],
      keywrods: ['LLM'],
      max_paper: 3,
      github_pages: true,
      ai_summary: { modle: 'x' },
    });
    expect(warnings).toEqual([
      'Unknown config key "categoires" is ignored (did you mean "categories"?).',
      'Unknown config key "keywrods" is ignored (did you mean "keywords"?).',
      'Unknown config key "max_paper" is ignored (did you mean "max_papers"?).',
      'Unknown config key "github_pages" is ignored.',
      'Unknown config key "ai_summary.modle" is ignored (did you mean "ai_summary.model"?).',
    ]);
  });

  it('gives the line and column of a JSON syntax error, with what is wrong there', () => {
    const { path, dir } = writeConfig('{\n  "categories": ["cs.AI",],\n  "max_papers": 3\n}\n');
    const message = errorOf({ path, cwd: dir, env: {} });
    expect(message).toContain(`${path} is not valid JSON: line 2, column 25`);
    expect(message).toMatch(/trailing comma/);

    const missingComma = writeConfig('{\n  "max_papers": 3\n  "min_score": 1\n}');
    expect(errorOf({ path: missingComma.path, env: {} })).toContain('line 3, column 3');

    const comment = writeConfig('{\n  // my keywords\n  "keywords": ["LLM"]\n}');
    expect(errorOf({ path: comment.path, env: {} })).toMatch(/line 2, column 3: .*comment/);

    const unfinished = writeConfig('{\n  "keywords": ["LLM"');
    expect(errorOf({ path: unfinished.path, env: {} })).toMatch(/line 2, column 21: .*ends/);
  });

  it('reads a file that starts with a byte order mark', () => {
    expect(load(`\uFEFF${JSON.stringify({ max_papers: 5 })}`).config.max_papers).toBe(5);
  });

  it('says in a sentence that the top level must be an object', () => {
    expect(loadError('["cs.AI", "cs.LG"]')).toMatch(/must be a JSON object \{ … \} at the top, not a list/);
    expect(loadError('["cs.AI"]')).not.toContain('expected Invalid input');
    expect(loadError('"cs.AI"')).toMatch(/must be a JSON object \{ … \} at the top, not a string/);
    expect(loadError('null')).toMatch(/must be a JSON object \{ … \} at the top, not null/);
  });
});

describe('the classic config works unchanged', () => {
  it('a missing prompt_file is a warning naming the file, and the built-in prompt is used', () => {
    const { path, dir } = writeConfig(classicText);
    const { config, warnings } = loadConfig({ path, cwd: dir, env: {} });
    expect(config.ai_summary.prompt_file).toBeNull();
    expect(warnings).toEqual([
      `ai_summary.prompt_file: ${join(dir, 'prompt.txt')} does not exist, so the built-in structured-summary prompt is used.`,
    ]);
  });

  it('a prompt_file that exists is kept; an empty one is an error', () => {
    const { path, dir } = writeConfig(classicText);
    writeFileSync(join(dir, 'prompt.txt'), 'Summarize in three bullet points.');
    const loaded = loadConfig({ path, cwd: dir, env: {} });
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config.ai_summary.prompt_file).toBe('prompt.txt');
    writeFileSync(join(dir, 'prompt.txt'), '  \n');
    expect(errorOf({ path, cwd: dir, env: {} })).toContain(
      `The prompt file ${join(dir, 'prompt.txt')} (ai_summary.prompt_file) is empty`,
    );
  });

  it('explains days_back above 1 once', () => {
    const { warnings } = load({ ...JSON.parse(classicText), days_back: 3, ai_summary: {} });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^days_back is 3: /);
    expect(warnings[0]).toContain('delivers every announcement once');
    expect(warnings[0]).toContain('days_back is not used');
  });

  it("recognises the classic script's own keys and explains each in one line", () => {
    const { warnings } = load({
      ...JSON.parse(classicText),
      ai_summary: {},
      enable_deduplication: true,
      deduplication_methods: ['arxiv_id', 'title'],
      fetch_ratings: true,
      display_limit: 20,
    });
    expect(warnings).toHaveLength(4);
    expect(warnings.join('\n')).not.toContain('Unknown config key');
    const [dedup, methods, ratings, display] = warnings;
    expect(dedup).toMatch(/^"enable_deduplication" is the classic script's: .*cross-list/);
    expect(methods).toMatch(/^"deduplication_methods" is the classic script's: .*arXiv id/);
    expect(ratings).toMatch(/^"fetch_ratings" is the classic script's: .*no ratings/);
    expect(display).toMatch(/^"display_limit" is the classic script's: .*"max_papers" \(50\)/);
    for (const warning of warnings) expect(warning.split('\n')).toHaveLength(1);
  });
});
