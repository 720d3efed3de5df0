import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '../../../src/config/load.ts';
import { UserError } from '../../../src/errors.ts';

const fixtures = resolve(import.meta.dirname, '../../fixtures/config');
const repoRoot = resolve(import.meta.dirname, '../../..');

function writeConfig(document: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-config-'));
  const path = join(dir, 'config.json');
  writeFileSync(path, typeof document === 'string' ? document : JSON.stringify(document));
  return path;
}

function loadError(options: Parameters<typeof loadConfig>[0]): UserError {
  try {
    loadConfig(options);
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw');
}

describe('config', () => {
  it('accepts the classic script config unchanged and fills the new keys with defaults', () => {
    // Its prompt.txt is beside it, as the classic script's was.
    const { config, warnings } = loadConfig({ path: join(fixtures, 'classic.json'), cwd: fixtures, env: {} });
    expect(warnings).toEqual([]);
    expect(config.categories).toEqual(['cs.AI', 'cs.CL', 'cs.DC', 'cs.LG']);
    expect(config.ai_summary).toMatchObject({
      base_url: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
      model: 'qwen-long',
      api_key_env: 'DASHSCOPE_API_KEY',
      prompt_file: 'prompt.txt',
      language: 'en',
    });
    expect(config.match).toBe('word');
    expect(config.announce_types).toEqual(['new', 'cross']);
    expect(config.arxiv.min_interval_ms).toBe(3000);
  });

  it('ships a valid config.json that watches LLM systems and excludes surveys', () => {
    const { config, path, warnings } = loadConfig({ cwd: repoRoot, env: {} });
    expect(path).toBe(join(repoRoot, 'config.json'));
    expect(warnings).toEqual([]);
    expect(config.categories).toEqual(['cs.AI', 'cs.CL', 'cs.DC', 'cs.LG']);
    expect(config.keywords).toContain('LLM');
    expect(config.exclude_keywords).toEqual(['survey', 'review', 'tutorial']);
  });

  it('names the path, what was expected and what was found for every problem at once', () => {
    const { issues } = validateConfig({
      categories: ['cs.AI', 'cs.XX'],
      max_papers: 0,
      match: 'fuzzy',
      ai_summary: { max_workers: 'three' },
    });
    expect(issues).toEqual([
      expect.stringMatching(
        /^categories\[1\]: expected a known arXiv category \(closest: cs\.AI, .*\), found "cs\.XX"/,
      ),
      'max_papers: expected a whole number from 1 to 500, found 0 (a number)',
      'match: expected "word" or "substring", found "fuzzy" (a string)',
      'ai_summary.max_workers: expected a whole number from 1 to 32, found "three" (a string)',
    ]);
  });

  it('suggests the closest valid names for a mistyped category', () => {
    const { issues } = validateConfig({ categories: ['cs.LGG', 'math.PRR'] });
    expect(issues[0]).toContain('closest: cs.LG');
    expect(issues[1]).toContain('closest: math.PR');
  });

  it('accepts categories in any case and stores arXiv spelling', () => {
    const { config } = validateConfig({ categories: ['CS.ai', 'cond-mat.STR-EL', 'hep-th'] });
    expect(config?.categories).toEqual(['cs.AI', 'cond-mat.str-el', 'hep-th']);
  });

  it('warns about unknown keys instead of failing, with a suggestion', () => {
    const path = writeConfig({ categories: ['cs.AI'], max_paper: 3, github_pages: true });
    const { warnings } = loadConfig({ path, env: {} });
    expect(warnings).toEqual([
      'Unknown config key "max_paper" is ignored (did you mean "max_papers"?).',
      'Unknown config key "github_pages" is ignored.',
    ]);
  });

  it('lets the environment override the arXiv endpoints, the interval and the store', () => {
    const { config } = loadConfig({
      path: join(fixtures, 'classic.json'),
      env: {
        ARXIV_RSS_URL: 'http://127.0.0.1:9/rss/',
        ARXIV_API_URL: 'http://127.0.0.1:9/api/query',
        ARXIV_MIN_INTERVAL_MS: '10',
        STORE_URL: 'sqlite://:memory:',
        LOG_LEVEL: '',
      },
    });
    expect(config.arxiv.rss_url).toBe('http://127.0.0.1:9/rss');
    expect(config.arxiv.api_url).toBe('http://127.0.0.1:9/api/query');
    expect(config.arxiv.min_interval_ms).toBe(10);
    expect(config.store.url).toBe('sqlite://:memory:');
    expect(config.log_level).toBe('info');
  });

  it('reports a bad environment variable by name', () => {
    const error = loadError({ path: join(fixtures, 'classic.json'), env: { ARXIV_MIN_INTERVAL_MS: 'soon' } });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.userMessage).toContain(
      'ARXIV_MIN_INTERVAL_MS: expected a whole number of milliseconds, found "soon" (a string)',
    );
  });

  it('reports invalid JSON with the file, the line and column, and what is wrong there', () => {
    const path = writeConfig('{ "categories": ["cs.AI",] }');
    const error = loadError({ path, env: {} });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.userMessage).toContain(
      `${path} is not valid JSON: line 1, column 25: a trailing comma before "]": JSON allows none, remove it`,
    );
  });

  it('fails on a missing explicit file but falls back to defaults when ./config.json is absent', () => {
    expect(loadError({ path: '/nonexistent/config.json', env: {} }).code).toBe('CONFIG_NOT_FOUND');
    const { config, path, warnings } = loadConfig({ cwd: mkdtempSync(join(tmpdir(), 'empty-')), env: {} });
    expect(path).toBeNull();
    expect(warnings[0]).toMatch(/No config file/);
    expect(config.max_papers).toBe(30);
  });

  it('refuses a URL with a user or password in it, which would end up in logs', () => {
    const { issues } = validateConfig({ ai_summary: { base_url: 'https://user:sk-secret@llm.example/v1' } });
    expect(issues[0]).toMatch(/^ai_summary\.base_url: expected .* without a user or password in it/);
    expect(issues[0]).toContain('found "https://***@llm.example/v1"');
    expect(issues[0]).not.toContain('sk-secret');
  });

  it('never accepts a key value where the name of an environment variable belongs', () => {
    const { issues } = validateConfig({ ai_summary: { api_key_env: 'sk-proj-abc123 secret' } });
    expect(issues[0]).toMatch(/^ai_summary\.api_key_env: expected the name of an environment variable/);
  });
});

describe("the chat platforms' variables", () => {
  const classic = join(fixtures, 'classic.json');
  const app = '123456789012345678';

  it('reads Slack and Discord into their settings, and neither when none is set', () => {
    expect(loadConfig({ path: classic, env: {} }).chat).toEqual({ slack: null, discord: null });
    const { chat } = loadConfig({
      path: classic,
      env: {
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_APP_TOKEN: 'xapp-1',
        DISCORD_TOKEN: 'discord-token',
        DISCORD_APPLICATION_ID: app,
        DISCORD_MESSAGE_CONTENT: 'true',
      },
    });
    expect(chat.slack).toMatchObject({ botToken: 'xoxb-1', appToken: 'xapp-1' });
    expect(chat.discord).toEqual({
      token: 'discord-token',
      applicationId: app,
      devGuildId: undefined,
      apiUrl: undefined,
      messageContent: true,
    });
  });

  it('refuses an incomplete platform, naming the variable to set (check-config and start alike)', () => {
    expect(loadError({ path: classic, env: { SLACK_BOT_TOKEN: 'xoxb-1' } }).userMessage).toMatch(
      /neither SLACK_APP_TOKEN .* nor SLACK_SIGNING_SECRET/,
    );
    expect(loadError({ path: classic, env: { DISCORD_TOKEN: 'token' } }).userMessage).toMatch(
      /DISCORD_APPLICATION_ID is not/,
    );
    expect(loadError({ path: classic, env: { DISCORD_APPLICATION_ID: app } }).userMessage).toMatch(
      /DISCORD_APPLICATION_ID is set but DISCORD_TOKEN is not/,
    );
    expect(
      loadError({ path: classic, env: { DISCORD_TOKEN: 'token', DISCORD_APPLICATION_ID: 'my-bot' } })
        .userMessage,
    ).toMatch(/DISCORD_APPLICATION_ID: expected a Discord application id/);
  });
});
