import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeArxiv, faults, startFakeArxiv } from '../../fakes/arxiv-server.ts';
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../fakes/openai-server.ts';
import { describeWithSharedFixtures, sharedFixturePath } from '../../support/shared-fixtures.ts';

const root = resolve(import.meta.dirname, '../../..');
const cli = join(root, 'src/cli.ts');
const listingFixture = join(root, 'test/fixtures/arxiv/listing.rss.xml');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real command in a child process, as a user would, with only the environment given. */
function run(args: string[], env: Record<string, string> = {}, cwd = workDir): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let workDir: string;
let arxiv: FakeArxiv;
let env: Record<string, string>;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'arxiv-digest-cli-'));
  arxiv = await startFakeArxiv({ recordings: false });
  arxiv.setListing(readFileSync(listingFixture));
  writeFileSync(
    join(workDir, 'config.json'),
    JSON.stringify({
      categories: ['cs.CL', 'cs.LG'],
      keywords: ['mixture of experts', 'distributed training', 'translation'],
      exclude_keywords: ['quantum'],
      max_papers: 10,
      min_score: 1,
      arxiv: { max_retries: 1, timeout_ms: 2000 },
    }),
  );
  env = {
    ARXIV_RSS_URL: arxiv.rssUrl,
    ARXIV_API_URL: arxiv.apiUrl,
    ARXIV_MIN_INTERVAL_MS: '0',
    STORE_URL: `sqlite://${join(workDir, 'store.sqlite')}`,
  };
});

afterAll(async () => {
  await arxiv.close();
});

describe('arxiv-digest CLI', () => {
  it('prints help and the version, and refuses an unknown command with exit 2', async () => {
    const help = await run(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: arxiv-digest <command>');
    expect((await run(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const unknown = await run(['digets']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "digets"');
    const badOption = await run(['digest', '--colour']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/Unknown option '--colour'/);
  });

  it('check-config prints ok, or every problem with exit 2', async () => {
    const ok = await run(['check-config'], env);
    expect(ok).toMatchObject({ code: 0, stdout: 'ok\n' });
    const badPath = join(workDir, 'bad.json');
    writeFileSync(badPath, JSON.stringify({ categories: ['cs.XY'], max_papers: -1 }));
    const bad = await run(['check-config', '--config', badPath], env);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('categories[0]: expected a known arXiv category');
    expect(bad.stderr).toContain('max_papers: expected a whole number from 1 to 500, found -1');
    const badEnv = await run(['check-config'], { ...env, ARXIV_API_URL: 'not a url' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toContain('ARXIV_API_URL: expected the URL of the arXiv query API');
  });

  it('papers --feed prints the parsed papers as JSON, merging a paper listed twice', async () => {
    const result = await run(['papers', '--feed', listingFixture], env);
    expect(result.code).toBe(0);
    const papers = JSON.parse(result.stdout) as { id: string; announceType: string; categories: string[] }[];
    expect(papers.map((paper) => paper.id)).toEqual([
      '2602.01001',
      '2602.01002',
      '2602.01003',
      '2501.09999',
      '2410.05555',
    ]);
    expect(papers.find((paper) => paper.id === '2602.01003')).toMatchObject({ announceType: 'new' });
  });

  it('papers --feed reads a URL through the arXiv client and reports a bad file as the user’s mistake', async () => {
    const viaUrl = await run(['papers', '--feed', `${arxiv.rssUrl}/cs.CL+cs.LG`], env);
    expect(viaUrl.code).toBe(0);
    expect(JSON.parse(viaUrl.stdout)).toHaveLength(5);
    const garbage = join(workDir, 'garbage.xml');
    writeFileSync(garbage, '<rss><channel><item>');
    const malformed = await run(['papers', '--feed', garbage], env);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain(`${garbage} is not an arXiv feed`);
    const missing = await run(['papers', '--feed', join(workDir, 'nope.xml')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No such file');
  });

  it('digest fetches the live listing once and prints the ranked Markdown page, progress on stderr', async () => {
    const before = arxiv.requests.length;
    const result = await run(['digest', '--no-summaries'], env);
    expect(result.code).toBe(0);
    const requests = arxiv.requests.slice(before);
    expect(requests.map((request) => request.path)).toEqual(['/rss/cs.CL+cs.LG']);
    expect(requests[0]?.headers['user-agent']).toMatch(/^arxiv-digest\/\d+\.\d+\.\d+ \(\+https?:\/\//);
    expect(result.stdout).toContain('# arXiv digest');
    expect(result.stdout).toContain('[Sparse Mixture-of-Experts Routing for Long-Context Language Models]');
    expect(result.stdout).toContain('[Distributed Training Without Parameter Servers]');
    expect(result.stdout).not.toContain('Quantum Error Correction');
    // Plain progress lines, not a redrawn terminal line, when stderr is not a terminal.
    expect(result.stderr).toContain("fetching today's arXiv listing for cs.CL, cs.LG...\n");
    expect(result.stderr).not.toContain('\r');
  });

  it('digest --format rss and json give a valid feed and the documented JSON', async () => {
    const rss = await run(['digest', '--format', 'rss', '--no-summaries', '--feed', listingFixture], env);
    expect(rss.code).toBe(0);
    expect(XMLValidator.validate(rss.stdout)).toBe(true);
    expect(rss.stdout).toContain('<guid isPermaLink="true">https://arxiv.org/abs/2602.01001</guid>');
    // A file has no address to subscribe to: no self link unless output.feed_url names one.
    expect(rss.stdout).not.toContain('rel="self"');
    expect(rss.stdout).not.toContain('file://');
    const json = await run(['digest', '--format', 'json', '--no-summaries', '--feed', listingFixture], env);
    const digest = JSON.parse(json.stdout) as {
      format: string;
      papers: { paper: { id: string }; rank: number }[];
    };
    expect(digest.format).toBe('arxiv-digest/digest');
    // Equal scores and title hits: the newer id first.
    expect(digest.papers.map((p) => p.paper.id)).toEqual(['2602.01003', '2602.01002', '2602.01001']);
  });

  it('digest --keywords and --out override the config and write the file', async () => {
    const out = join(workDir, 'out.md');
    const result = await run(
      [
        'digest',
        '--keywords',
        '"tokenizer-free", -quantum',
        '--out',
        out,
        '--no-summaries',
        '--feed',
        listingFixture,
      ],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`wrote ${out}`);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('Tokenizer-Free Translation of Low-Resource Languages');
    // Replacements are not in the default announce types.
    expect(page).not.toContain('Scaling Laws Revisited');
    expect(page).not.toContain('Sparse Mixture-of-Experts');
  });

  it('a bad keyword query or category is a usage error with exit 2', async () => {
    const quote = await run(['digest', '--keywords', '"unclosed phrase', '--feed', listingFixture], env);
    expect(quote.code).toBe(2);
    expect(quote.stderr).toMatch(/quote/i);
    const category = await run(['digest', '--categories', 'cs.LGG'], env);
    expect(category.code).toBe(2);
    expect(category.stderr).toContain('"cs.LGG" is not an arXiv category. Did you mean cs.LG');
  });

  it('arXiv unreachable is a runtime failure with exit 1 and a one-line reason', async () => {
    const result = await run(['digest', '--no-summaries'], {
      ...env,
      ARXIV_RSS_URL: 'http://127.0.0.1:9/rss',
    });
    expect(result.code).toBe(1);
    const lastLine = result.stderr.trim().split('\n').at(-1);
    expect(lastLine).toMatch(/^arxiv-digest: .*arXiv/);
  });

  it('an arXiv error feed becomes a runtime failure carrying arXiv’s own message', async () => {
    arxiv.setListing(readFileSync(join(root, 'test/fixtures/arxiv/error-feed.rss.xml')), ['cs.CL', 'cs.LG']);
    try {
      const result = await run(['digest', '--no-summaries'], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("Bad category 'cs.XY'");
    } finally {
      arxiv.setListing(readFileSync(listingFixture), ['cs.CL', 'cs.LG']);
    }
  });

  it('search asks the API and lists the results; 503 with Retry-After is waited out', async () => {
    arxiv.setSearch('mixture of experts', [
      {
        id: '2602.01001',
        version: 2,
        title: 'Sparse Routing',
        authors: ['A. One', 'B. Two', 'C. Three', 'D. Four'],
      },
      { id: '2601.00002', title: 'Dense Experts' },
    ]);
    arxiv.fail(faults.unavailable(0));
    const result = await run(['search', 'mixture', 'of', 'experts', '--max', '5'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1. Sparse Routing\n   A. One, B. Two, C. Three et al.');
    expect(result.stdout).toContain('https://arxiv.org/abs/2601.00002');
    const json = await run(['search', 'mixture of experts', '--format', 'json'], env);
    expect((JSON.parse(json.stdout) as unknown[]).length).toBe(2);
    expect((await run(['search'], env)).code).toBe(2);
  });
});

describe('arxiv-digest CLI with a model', () => {
  let openai: FakeOpenAIServer;
  let modelEnv: Record<string, string>;

  beforeAll(async () => {
    openai = await startFakeOpenAIServer({ apiKey: 'sk-test' });
    const config = join(workDir, 'model.json');
    writeFileSync(
      config,
      JSON.stringify({
        categories: ['cs.CL', 'cs.LG'],
        keywords: ['mixture of experts', 'distributed training'],
        min_score: 1,
        ai_summary: { base_url: openai.baseUrl, model: 'fake-model', max_papers_to_summarize: 1 },
        arxiv: { html_url: `${arxiv.url}/html`, pdf_url: `${arxiv.url}/pdf` },
      }),
    );
    modelEnv = { ...env, ARXIV_DIGEST_CONFIG: config, OPENAI_API_KEY: 'sk-test' };
  });

  afterAll(async () => {
    await openai.close();
  });

  it('digest adds TL;DRs and the top summary, prints token totals, and pays nothing the second time', async () => {
    const first = await run(['digest', '--feed', listingFixture], modelEnv);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('<details>');
    expect(first.stderr).toMatch(
      /summaries: 3 model calls to fake-model \(3 requests\), \d+ tokens in, \d+ out/,
    );
    expect(openai.requests.map((request) => request.model)).toEqual([
      'fake-model',
      'fake-model',
      'fake-model',
    ]);
    // The key reaches the endpoint and never the output.
    expect(first.stdout + first.stderr).not.toContain('sk-test');

    const calls = openai.requests.length;
    const second = await run(['digest', '--feed', listingFixture], modelEnv);
    expect(second.code).toBe(0);
    expect(openai.requests.length).toBe(calls);
    expect(second.stderr).toMatch(/summaries: 0 model calls .* 3 from cache/);
  });

  it('summarize <id> looks the paper up, reads its full text and prints the structured summary', async () => {
    arxiv.setApiResponse(
      { id_list: '2602.01002' },
      {
        body: readFileSync(join(root, 'test/fixtures/arxiv/search-2025.atom.xml'), 'utf8'),
      },
    );
    const result = await run(['summarize', 'https://arxiv.org/abs/2602.01002'], modelEnv);
    expect(result.stderr).toMatch(/summaries: 1 model calls/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# /);
    const bad = await run(['summarize', 'not-an-id'], modelEnv);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not an arXiv id or link');
  });
});

describeWithSharedFixtures('arxiv-digest CLI on the real recordings', () => {
  it('papers --feed parses every item of the 1,504-item listing', async () => {
    const result = await run(
      ['papers', '--feed', sharedFixturePath('arxiv/rss/aioarxiv_rss_mock_feed.xml')],
      env,
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(1504);
  });

  it('summarize --pdf without a key gives an extractive summary, marked as such', async () => {
    const result = await run(['summarize', '--tldr', '--pdf', sharedFixturePath('pdf/1111.2011v2.pdf')], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('extractive');
    expect(result.stdout).toContain('Theoretical description of anisotropic systems');
    expect(result.stderr).toContain('extractive only');
  });
});
