import { createHash } from 'node:crypto';
import { absUrlFor, versionedId } from '../arxiv/paper.ts';
import { platformLabel } from '../chat/platforms.ts';
import {
  AUTHORS_SHOWN,
  authorLine,
  categoryLine,
  digestCategories,
  digestDate,
  paperAbstract,
  paperCount,
  paperTitle,
  scoringLine,
  TLDR_LABEL,
} from '../chat/present.ts';
import type { Digest, DigestPaper } from '../digest/digest.ts';
import { formatKeywordQuery } from '../digest/query.ts';
import { escapeHtml } from '../digest/render/escape.ts';
import { digestFromJson } from '../digest/render/json.ts';
import { type DeliveryReader, recentDeliveries } from '../store/repositories/deliveries.ts';
import type { SubscriptionRepository } from '../store/repositories/subscriptions.ts';
import { VERSION } from '../version.ts';

/** One public channel on the archive page. */
export interface ArchiveSection {
  /** A stable fragment id for linking to the section; derived from the target without showing it. */
  anchor: string;
  platform: string;
  queryText: string;
  categories: string[];
  /** Newest first. */
  digests: Digest[];
}

export interface ArchiveSources {
  subscriptions: Pick<SubscriptionRepository, 'all'>;
  deliveries: DeliveryReader;
  /** Digests shown per channel. */
  perTarget: number;
}

/**
 * The channels whose subscription is marked public, with their recent digests; channels with no delivered
 * digest yet are left out. A user's own (direct message) subscription is never listed, whatever its flag.
 */
export async function loadArchive(sources: ArchiveSources): Promise<ArchiveSection[]> {
  const listed = (await sources.subscriptions.all()).filter(
    (subscription) => subscription.public && subscription.kind === 'channel',
  );
  const sections = await Promise.all(
    listed.map(async (subscription): Promise<ArchiveSection> => {
      const deliveries = await recentDeliveries(sources.deliveries, subscription.target, sources.perTarget);
      return {
        anchor: `c-${createHash('sha256').update(subscription.target).digest('base64url').slice(0, 12)}`,
        platform: subscription.target.slice(0, subscription.target.indexOf(':')),
        queryText: subscription.query ? formatKeywordQuery(subscription.query) : '',
        categories: subscription.categories,
        digests: deliveries.map(({ record }) => digestFromJson(record.digest)),
      };
    }),
  );
  // Channels with the newest digest first.
  const newest = (section: ArchiveSection) => section.digests[0]?.generatedAt ?? '';
  return sections
    .filter((section) => section.digests.length > 0)
    .sort((a, b) => newest(b).localeCompare(newest(a)) || a.anchor.localeCompare(b.anchor));
}

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 52rem; padding: 1rem; color: #1b1b1b; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.5rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1.05rem; } li { margin-bottom: 1rem; } a { color: #0645ad; }
.meta, footer { color: #555; font-size: 0.9rem; } details p { margin: 0.25rem 0 0; }
`;

/**
 * The Content-Security-Policy of the archive page: nothing may load or run except its own stylesheet (by
 * hash), so even markup that slipped through escaping could do nothing.
 */
export const ARCHIVE_CSP = [
  "default-src 'none'",
  `style-src '${cspHash(STYLE)}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function cspHash(text: string): string {
  return `sha256-${createHash('sha256').update(text).digest('base64')}`;
}

/** The archive page: every text from arXiv, a model or a user is escaped; no script; links go to arXiv. */
export function renderArchivePage(sections: readonly ArchiveSection[], generatedAt: Date): string {
  const body =
    sections.length === 0
      ? [
          '<p>No channel lists its digests here yet. In a channel, <code>/arxiv public on</code> lists its digests on this page.</p>',
        ]
      : [
          '<nav><ul>',
          ...sections.map(
            (section) => `<li><a href="#${section.anchor}">${escapeHtml(sectionTitle(section))}</a></li>`,
          ),
          '</ul></nav>',
          ...sections.map(renderSection),
        ];
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<title>arXiv digests</title>',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header><h1>arXiv digests</h1>',
    "<p>Recent digests of the channels that chose to list them here. Titles link to arXiv's abstract pages.</p></header>",
    '<main>',
    ...body,
    '</main>',
    `<footer>Made ${escapeHtml(generatedAt.toISOString())} by arxiv-digest ${escapeHtml(VERSION)}. Thank you to arXiv for use of its open access interoperability.</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function sectionTitle(section: ArchiveSection): string {
  return `${platformLabel(section.platform)} channel: ${section.queryText || 'no keywords'}`;
}

function renderSection(section: ArchiveSection): string {
  const categories = digestCategories(section.categories);
  return [
    `<section id="${section.anchor}">`,
    `<h2>${escapeHtml(sectionTitle(section))}</h2>`,
    `<p class="meta">${escapeHtml(categories)}</p>`,
    ...section.digests.map(renderDigest),
    '</section>',
  ].join('\n');
}

function renderDigest(digest: Digest): string {
  const day = digestDate(digest);
  const count = paperCount(digest.papers.length);
  const papers =
    digest.papers.length === 0
      ? ['<p>No paper matched.</p>']
      : ['<ol>', ...digest.papers.map(renderPaper), '</ol>'];
  return [
    '<article>',
    `<h3>Announced ${escapeHtml(day)} <span class="meta">(${count} of ${digest.listed} listed)</span></h3>`,
    ...papers,
    '</article>',
  ].join('\n');
}

function renderPaper(ranked: DigestPaper): string {
  const { paper, summary } = ranked;
  const facts = [
    escapeHtml(authorLine(paper.authors, { max: AUTHORS_SHOWN.page })),
    escapeHtml(versionedId(paper)),
    escapeHtml(categoryLine(paper)),
    escapeHtml(scoringLine(ranked.score, ranked.matchedTerms, ranked)),
  ];
  const lines = [
    '<li>',
    // The link is built from the id, never taken from stored text, so it always points at arXiv.
    `<a href="${escapeHtml(absUrlFor(paper.id))}" rel="noreferrer">${escapeHtml(paperTitle(paper.title))}</a>`,
    `<div class="meta">${facts.join(' · ')}</div>`,
  ];
  if (summary?.tldr) {
    const label = summary.source === 'model' ? ' (AI)' : '';
    lines.push(`<p><strong>${TLDR_LABEL}${label}:</strong> ${escapeHtml(summary.tldr)}</p>`);
  }
  const abstract = paperAbstract(paper.abstract);
  if (abstract) {
    lines.push(`<details><summary>Abstract</summary><p>${escapeHtml(abstract)}</p></details>`);
  }
  lines.push('</li>');
  return lines.join('\n');
}
