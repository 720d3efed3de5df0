/**
 * The `arxiv-digest` command. Data goes to stdout, messages to stderr. Exit 0 on success, 1 on a runtime
 * failure (arXiv unreachable, a model down), 2 on a usage or config mistake.
 */
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ArxivClient, arxivClientOptions } from './arxiv/client.ts';
import { parseFeed } from './arxiv/feed.ts';
import { findArxivId, type Paper, versionedId } from './arxiv/paper.ts';
import { canonicalCategory, closestCategories } from './arxiv/taxonomy.ts';
import { AUTHORS_SHOWN, digestCategories, paperByline, paperTitle, SEPARATOR } from './chat/present.ts';
import { loadDotEnv } from './config/dotenv.ts';
import { type LoadedConfig, loadConfig } from './config/load.ts';
import { parseKeywordQuery, queryFromConfig } from './digest/query.ts';
import { renderJson } from './digest/render/json.ts';
import { renderMarkdown } from './digest/render/markdown.ts';
import { renderRss } from './digest/render/rss.ts';
import { createEngine, type Engine, indexListing, makeDigest, selectAnnouncements } from './engine.ts';
import { isAppError, UserError } from './errors.ts';
import { createCliLogger, type Logger } from './log.ts';
import { createProgress, type Progress } from './progress.ts';
import { openStore, type Store } from './store/index.ts';
import type { UsageTotals } from './summarize/usage.ts';
import { VERSION } from './version.ts';

const USAGE = `Usage: arxiv-digest <command> [options]

Commands:
  start                             Run the bot (what \`npm start\` does)
  digest [options]                  Make one digest and print it
      --feed <file|url>               Rank this feed instead of today's arXiv listing
      --keywords "<query>"            Terms instead of the config's keywords: a, "a phrase", -excluded
      --categories <a,b>              Categories instead of the config's
      --format markdown|json|rss      Output format (default markdown)
      --out <file>                    Write to this file instead of stdout
      --no-summaries                  Leave out TL;DRs and summaries
  papers --feed <file|url>          Print the papers of an arXiv feed as a JSON array
  search "<query>" [--max N] [--categories a,b] [--format text|json]
                                    Search arXiv
  summarize <arXiv id | abs URL> [--language <code>] [--tldr]
  summarize --pdf <file> [--language <code>] [--tldr]
                                    Print a paper's summary
  check-config                      Check config.json and the environment; prints "ok" or the problems
  version                           Print the version

Every command takes --config <file> (default: $ARXIV_DIGEST_CONFIG, then ./config.json).
`;

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const OPTIONS = {
  config: { type: 'string' },
  feed: { type: 'string' },
  keywords: { type: 'string' },
  categories: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  'no-summaries': { type: 'boolean' },
  max: { type: 'string' },
  pdf: { type: 'string' },
  language: { type: 'string' },
  tldr: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

type Options = ReturnType<typeof parseCommandLine>['options'];

function parseCommandLine(argv: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    return { options: values, positionals };
  } catch (error) {
    throw new UserError(
      'USAGE',
      `${error instanceof Error ? error.message : String(error)}. See \`arxiv-digest help\`.`,
    );
  }
}

/** Runs one command and returns the exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  let logger: Logger | null = null;
  try {
    const { options, positionals } = parseCommandLine(argv);
    const [command = 'help', ...args] = positionals;
    if (options.version || command === 'version') {
      io.stdout.write(`${VERSION}\n`);
      return 0;
    }
    if (options.help || command === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    if (command === 'start') {
      const { main } = await import('./main.ts');
      return await main({ configPath: options.config, env: io.env, cwd: io.cwd });
    }
    const loaded = loadConfig({ path: options.config, env: io.env, cwd: io.cwd });
    logger = createCliLogger(io.env.LOG_LEVEL ? loaded.config.log_level : 'warn', io.stderr);
    for (const warning of loaded.warnings) logger.warn(warning);
    const context: Context = { io, loaded, options, args, logger, progress: createProgress(io.stderr) };
    switch (command) {
      case 'check-config':
        io.stdout.write('ok\n');
        return 0;
      case 'papers':
        return await papersCommand(context);
      case 'digest':
        return await withEngine(context, (engine) => digestCommand(context, engine));
      case 'search':
        return await searchCommand(context);
      case 'summarize':
        return await withEngine(context, (engine) => summarizeCommand(context, engine));
      default:
        throw new UserError('USAGE', `Unknown command "${command}". See \`arxiv-digest help\`.`);
    }
  } catch (error) {
    return report(error, io, logger);
  }
}

interface Context {
  io: Io;
  loaded: LoadedConfig;
  options: Options;
  args: string[];
  logger: Logger;
  progress: Progress;
}

function report(error: unknown, io: Io, logger: Logger | null): number {
  if (isAppError(error)) {
    io.stderr.write(`arxiv-digest: ${error.userMessage}\n`);
    if (error.kind === 'external' && error.message !== error.userMessage) logger?.debug(error.message);
    return error.kind === 'user' ? 2 : 1;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`arxiv-digest: internal error (please report it): ${message}\n`);
  return 1;
}

async function withEngine(context: Context, run: (engine: Engine) => Promise<number>): Promise<number> {
  const store = await openStore(context.loaded.config.store.url, {
    cwd: context.io.cwd,
    logger: context.logger,
  });
  const engine = createEngine({
    config: context.loaded.config,
    store,
    logger: context.logger,
    env: context.io.env,
    cwd: context.io.cwd,
    onArxivRequest: (event) => {
      if (event.status === undefined || event.status >= 400) {
        context.logger.debug(
          `arXiv request ${event.url} attempt ${event.attempt}: ${event.error ?? event.status}`,
        );
      }
    },
  });
  try {
    return await run(engine);
  } finally {
    context.progress.clear();
    await closeEngine(engine, store, context);
  }
}

/** Lets summaries still running finish into the cache (so the next run pays nothing), then closes. */
async function closeEngine(engine: Engine, store: Store, context: Context): Promise<void> {
  const background = engine.idle();
  const settled = await Promise.race([background.then(() => true), delay(100).then(() => false)]);
  if (!settled) {
    context.progress.step('finishing summaries in the background for the cache (Ctrl+C to skip)');
    await background;
    context.progress.clear();
  }
  await engine.close();
  await store.close();
}

function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms).unref());
}

// ---------------------------------------------------------------------------------------------------------

async function papersCommand(context: Context): Promise<number> {
  const source = context.options.feed;
  if (!source)
    throw new UserError(
      'USAGE',
      'papers needs --feed <file|url>, e.g. `arxiv-digest papers --feed listing.xml`.',
    );
  const papers = await readFeed(context, source, null);
  context.io.stdout.write(`${JSON.stringify(papers, null, 2)}\n`);
  return 0;
}

async function digestCommand(context: Context, engine: Engine): Promise<number> {
  const { options, progress, io } = context;
  const config = engine.config;
  const format = options.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json' && format !== 'rss') {
    throw new UserError('USAGE', `--format must be markdown, json or rss (got "${format}").`);
  }
  const categories = options.categories ? parseCategories(options.categories) : config.categories;
  const query = options.keywords
    ? parseKeywordQuery(options.keywords)
    : queryFromConfig(config.keywords, config.exclude_keywords);

  let papers: Paper[];
  if (options.feed) {
    papers = await readFeed(context, options.feed, engine.client);
  } else {
    progress.step(`fetching today's arXiv listing for ${categories.join(', ')}`);
    const { feed, url } = await engine.client.fetchListing(categories);
    papers = feed.papers;
    progress.done(`${papers.length} announcements from ${url}`);
  }
  const selected = selectAnnouncements(config, papers);
  // A feed given on the command line is ranked as a listing is: only its papers in the categories count.
  const listing = indexListing(engine, selected);

  const summaries = config.ai_summary.enabled && !options['no-summaries'];
  progress.step(
    summaries
      ? `ranking ${selected.length} papers and summarizing the best`
      : `ranking ${selected.length} papers`,
  );
  const { digest, pending, usage } = await makeDigest(engine, listing, {
    query,
    categories,
    maxPapers: config.max_papers,
    minScore: config.min_score,
    summaries,
  });
  const matched = listing.rank(query, { categories, minScore: config.min_score }).length;
  const source = options.feed ? 'the feed' : 'the listing';
  progress.done(
    `${matched} of ${digest.listed} papers in ${categories.join(', ')} matched` +
      (digest.listed === selected.length ? '' : ` (${selected.length} in ${source})`) +
      (matched > digest.papers.length ? `; showing the top ${digest.papers.length}` : '') +
      (pending > 0 ? `; ${pending} summaries were not ready in time` : ''),
  );
  if (usage)
    io.stderr.write(`${describeUsage(usage, config.ai_summary.model, engine.summarizer.usesModel)}\n`);

  const output =
    format === 'json'
      ? renderJson(digest)
      : format === 'rss'
        ? renderRss([digest], {
            title: digest.title,
            link: 'https://arxiv.org/',
            description: `arXiv papers in ${digestCategories(digest.categories)} matching the digest's keywords`,
            // A file has no address readers could subscribe to: a self link only when one is configured.
            selfUrl: config.output.feed_url,
          })
        : renderMarkdown(digest, { template: config.output.template });
  writeOutput(context, output);
  return 0;
}

async function searchCommand(context: Context): Promise<number> {
  const text = context.args.join(' ').trim();
  if (!text)
    throw new UserError('USAGE', 'search needs a query, e.g. `arxiv-digest search "speculative decoding"`.');
  const max = context.options.max === undefined ? 10 : Number(context.options.max);
  if (!Number.isInteger(max) || max < 1)
    throw new UserError('USAGE', `--max must be a whole number of 1 or more (got "${context.options.max}").`);
  const format = context.options.format ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UserError('USAGE', `--format must be text or json (got "${format}").`);
  const categories = context.options.categories ? parseCategories(context.options.categories) : [];

  context.progress.step(`searching arXiv for ${JSON.stringify(text)}`);
  const result = await arxivClient(context).search(text, { max, categories });
  context.progress.done(`${result.papers.length} of ${result.totalResults} results`);
  if (format === 'json') {
    context.io.stdout.write(`${JSON.stringify(result.papers, null, 2)}\n`);
    return 0;
  }
  const lines = result.papers.map((paper, index) =>
    [
      `${index + 1}. ${paperTitle(paper.title)}`,
      `   ${paperByline(paper, { maxAuthors: AUTHORS_SHOWN.chat })}${paper.published ? `${SEPARATOR}${paper.published.slice(0, 10)}` : ''}`,
      `   ${paper.absUrl}`,
    ].join('\n'),
  );
  context.io.stdout.write(lines.length > 0 ? `${lines.join('\n\n')}\n` : 'No papers found.\n');
  return 0;
}

async function summarizeCommand(context: Context, engine: Engine): Promise<number> {
  const { options, args, progress } = context;
  const language = options.language ?? engine.config.ai_summary.language;
  const kind = options.tldr ? 'tldr' : 'full';
  let summaryText: string;
  if (options.pdf) {
    if (args.length > 0) throw new UserError('USAGE', 'Give either an arXiv id or --pdf <file>, not both.');
    const bytes = readInputFile(context, options.pdf);
    progress.step('summarizing the PDF');
    const summary = await engine.summarizer.summarizePdf(bytes, { language, kind });
    summaryText = formatSummary(summary, kind);
  } else {
    const target = args.join(' ').trim();
    const id = findArxivId(target);
    if (!id) {
      throw new UserError(
        'USAGE',
        target
          ? `"${target}" is not an arXiv id or link. Use an id such as 2401.01234 or https://arxiv.org/abs/2401.01234.`
          : 'summarize needs an arXiv id, an abs URL or --pdf <file>.',
      );
    }
    progress.step(`looking up ${versionedId(id)} on arXiv`);
    const [paper] = await engine.client.lookup([versionedId(id)]);
    if (!paper)
      throw new UserError('INPUT_NOT_FOUND', `arXiv has no paper ${versionedId(id)}. Check the id.`);
    progress.step(`summarizing ${versionedId(paper)}: ${paperTitle(paper.title)}`);
    const summary =
      kind === 'tldr'
        ? await engine.summarizer.tldr(paper, { language })
        : await engine.summarizer.summarize(paper, { language });
    summaryText = `# ${paperTitle(paper.title)}\n${paper.absUrl}\n\n${formatSummary(summary, kind)}`;
  }
  progress.clear();
  context.io.stdout.write(`${summaryText}\n`);
  context.io.stderr.write(
    `${describeUsage(engine.summarizer.usage.totals(), engine.config.ai_summary.model, engine.summarizer.usesModel)}\n`,
  );
  return 0;
}

// ---------------------------------------------------------------------------------------------------------

/** The papers of a feed file or URL (a URL goes through the arXiv client, rate gate included). */
async function readFeed(context: Context, source: string, client: ArxivClient | null): Promise<Paper[]> {
  if (/^https?:\/\//i.test(source)) {
    const fetcher =
      client ??
      new ArxivClient({
        ...arxivClientOptions(context.loaded.config.arxiv, VERSION),
        logger: context.logger,
      });
    context.progress.step(`downloading ${source}`);
    const response = await fetcher.download(source, {
      accept: 'application/rss+xml, application/atom+xml, application/xml',
    });
    context.progress.clear();
    if (response.status < 200 || response.status >= 300) {
      throw new UserError('INPUT_NOT_FOUND', `${source} answered HTTP ${response.status}. Check the URL.`);
    }
    return parseFeed(response.body).papers;
  }
  try {
    return parseFeed(readInputFile(context, source)).papers;
  } catch (error) {
    // A file on the command line is the user's input: a bad one is their mistake to fix, not arXiv's failure.
    if (isAppError(error) && error.code === 'ARXIV_MALFORMED') {
      throw new UserError('INPUT_INVALID', `${source} is not an arXiv feed: ${error.userMessage}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** A client for commands that need arXiv but no store or model. */
function arxivClient(context: Context): ArxivClient {
  return new ArxivClient({
    ...arxivClientOptions(context.loaded.config.arxiv, VERSION),
    logger: context.logger,
  });
}

function readInputFile(context: Context, path: string): Buffer {
  const full = isAbsolute(path) ? path : resolve(context.io.cwd, path);
  try {
    return readFileSync(full);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      'INPUT_NOT_FOUND',
      code === 'ENOENT' ? `No such file: ${full}.` : `Cannot read ${full} (${code}).`,
    );
  }
}

function writeOutput(context: Context, output: string): void {
  const text = output.endsWith('\n') ? output : `${output}\n`;
  if (!context.options.out) {
    context.io.stdout.write(text);
    return;
  }
  const path = resolve(context.io.cwd, context.options.out);
  writeFileSync(path, text);
  context.io.stderr.write(`wrote ${path}\n`);
}

function parseCategories(text: string): string[] {
  return text
    .split(/[,\s]+/)
    .filter(Boolean)
    .map((code) => {
      const canonical = canonicalCategory(code);
      if (canonical) return canonical;
      throw new UserError(
        'INPUT_INVALID',
        `"${code}" is not an arXiv category. Did you mean ${closestCategories(code).join(', ')}?`,
      );
    });
}

function formatSummary(
  summary: { tldr: string | null; body: string | null; source: string },
  kind: 'tldr' | 'full',
): string {
  const note =
    summary.source === 'extractive' ? '\n\n_(extractive: cut from the abstract; no model answered)_' : '';
  const text = kind === 'tldr' ? summary.tldr : (summary.body ?? summary.tldr);
  return `${text ?? ''}${note}`;
}

function describeUsage(usage: UsageTotals, model: string, usesModel: boolean): string {
  if (!usesModel) return 'summaries: extractive only (no model configured)';
  return (
    `summaries: ${usage.completions} model calls to ${model} (${usage.requests} requests), ` +
    `${usage.promptTokens} tokens in, ${usage.completionTokens} out; ` +
    `${usage.cacheHits} from cache, ${usage.fallbacks} extractive fallbacks`
  );
}

/**
 * Whether this module runs as the program: `node src/cli.ts`, or imported by the package's launcher
 * bin/arxiv-digest.js (there import.meta.main is false: the launcher is the main module).
 */
function runAsProgram(): boolean {
  if (import.meta.main) return true;
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === fileURLToPath(new URL('../bin/arxiv-digest.js', import.meta.url));
  } catch {
    return false;
  }
}

if (runAsProgram()) {
  const cwd = process.cwd();
  // .env of the working directory, as npm start reads it; the environment wins.
  for (const warning of loadDotEnv(cwd, process.env))
    process.stderr.write(`arxiv-digest: warning: ${warning}\n`);
  const code = await runCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd,
  });
  process.exitCode = code;
}
