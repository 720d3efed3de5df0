import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * `arxiv-digest digest --feed FILE` ranks the feed's papers in the config's categories (or --categories),
 * as the bot does with a listing, and its stderr counts what matched, not what is shown.
 */

const cli = resolve(import.meta.dirname, '../../../src/cli.ts');

interface Item {
  id: string;
  title: string;
  categories: string[];
  type?: 'new' | 'cross';
}

/** An RSS listing in arXiv's format, with these items. */
function listing(items: readonly Item[]): string {
  const entries = items.map(
    (item) => `    <item>
      <title>${item.title}</title>
      <link>https://arxiv.org/abs/${item.id}</link>
      <description>arXiv:${item.id}v1 Announce Type: ${item.type ?? 'new'}
Abstract: A paper about ${item.title.toLowerCase()}.</description>
      <guid isPermaLink="false">oai:arXiv.org:${item.id}v1</guid>
${item.categories.map((category) => `      <category>${category}</category>`).join('\n')}
      <pubDate>Wed, 04 Feb 2026 00:00:00 -0500</pubDate>
      <arxiv:announce_type>${item.type ?? 'new'}</arxiv:announce_type>
      <dc:rights>http://creativecommons.org/licenses/by/4.0/</dc:rights>
      <dc:creator>Ada Lovelace</dc:creator>
    </item>`,
  );
  return `<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">
  <channel>
    <title>cs.LG, cs.CV, quant-ph updates on arXiv.org</title>
    <link>http://rss.arxiv.org/rss/cs.LG+cs.CV+quant-ph</link>
    <description>updates on the arXiv.org e-print archive.</description>
    <pubDate>Wed, 04 Feb 2026 00:00:00 -0500</pubDate>
${entries.join('\n')}
  </channel>
</rss>
`;
}

const ITEMS: Item[] = [
  ...[1, 2, 3, 4, 5].map((n) => ({
    id: `2602.1000${n}`,
    title: `Language Model Study ${n}`,
    categories: ['cs.LG'],
  })),
  { id: '2602.20001', title: 'Vision Model for Segmentation', categories: ['cs.CV'] },
  { id: '2602.20002', title: 'Quantum Model of Decoherence', categories: ['quant-ph'] },
  { id: '2602.20003', title: 'Vision Model Cross-Listed', categories: ['cs.CV', 'cs.LG'], type: 'cross' },
  { id: '2602.30001', title: 'Kernel Methods', categories: ['cs.LG'] },
  { id: '2602.30002', title: 'Graph Sampling', categories: ['cs.AI'] },
];

function run(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, STORE_URL: 'sqlite://:memory:' },
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

describe('digest --feed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arxiv-digest-feed-'));
  writeFileSync(join(dir, 'feed.xml'), listing(ITEMS));
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      categories: ['cs.LG', 'cs.AI'],
      keywords: ['model'],
      max_papers: 3,
      ai_summary: { enabled: false },
    }),
  );

  it("keeps to the config's categories: a cs.CV or quant-ph paper is left out, a cross-list kept", {
    timeout: 30_000,
  }, async () => {
    const all = await run(['digest', '--feed', 'feed.xml', '--format', 'json', '--no-summaries'], dir);
    expect(all.code).toBe(0);
    const digest = JSON.parse(all.stdout) as {
      categories: string[];
      papers: Array<{ paper: { id: string } }>;
    };
    expect(digest.categories).toEqual(['cs.LG', 'cs.AI']);
    const ids = digest.papers.map((entry) => entry.paper.id);
    expect(ids).toHaveLength(3);
    expect(ids).not.toContain('2602.20001');
    expect(ids).not.toContain('2602.20002');

    const cross = await run(
      ['digest', '--feed', 'feed.xml', '--format', 'json', '--no-summaries', '--keywords', 'cross-listed'],
      dir,
    );
    expect((JSON.parse(cross.stdout) as typeof digest).papers.map((entry) => entry.paper.id)).toEqual([
      '2602.20003',
    ]);
  });

  it('counts on stderr what matched, and how many are shown', { timeout: 30_000 }, async () => {
    const result = await run(['digest', '--feed', 'feed.xml', '--no-summaries'], dir);
    expect(result.code).toBe(0);
    // 8 papers in cs.LG or cs.AI (10 in the feed); 6 of them mention "model"; max_papers is 3.
    expect(result.stderr).toContain(
      '6 of 8 papers in cs.LG, cs.AI matched (10 in the feed); showing the top 3',
    );

    const few = await run(['digest', '--feed', 'feed.xml', '--no-summaries', '--keywords', 'kernel'], dir);
    expect(few.stderr).toContain('1 of 8 papers in cs.LG, cs.AI matched (10 in the feed)\n');
  });
});
