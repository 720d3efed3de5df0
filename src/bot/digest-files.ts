import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TargetId } from '../chat/types.ts';
import type { Digest } from '../digest/digest.ts';
import { type MarkdownTemplate, renderMarkdown } from '../digest/render/markdown.ts';
import { renderRss } from '../digest/render/rss.ts';

/**
 * Writes delivered digests as files, as the classic script did: `<dir>/digests/<target>/<date>.md` for each
 * digest and `<dir>/digests/<target>/feed.xml`, an RSS feed of the target's recent digests. Files are
 * written whole and renamed into place, so a reader never sees half a file.
 */
export async function writeDigestFiles(
  dir: string,
  target: TargetId,
  digest: Digest,
  recent: readonly Digest[],
  options: {
    /** The feed's public address (config `output.feed_url`); null: the feed names no self link. */
    feedUrl: string | null;
    template: MarkdownTemplate;
  },
): Promise<string> {
  const folder = join(dir, 'digests', safeName(target));
  await mkdir(folder, { recursive: true });
  const page = join(folder, `${digest.announced ?? digest.generatedAt.slice(0, 10)}.md`);
  await writeWhole(page, renderMarkdown(digest, { template: options.template }));
  await writeWhole(
    join(folder, 'feed.xml'),
    renderRss(recent, {
      title: `arXiv digest for ${target}`,
      link: 'https://arxiv.org/',
      description: `Daily arXiv papers for ${target}`,
      selfUrl: options.feedUrl,
    }),
  );
  return page;
}

/** A target id as a folder name: `slack:T1:C2` -> `slack_T1_C2`. */
export function safeName(target: TargetId): string {
  return target.replace(/[^A-Za-z0-9._-]/g, '_');
}

async function writeWhole(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}
