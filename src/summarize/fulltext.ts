import type { ArxivClient } from '../arxiv/client.ts';
import { type Paper, versionedId } from '../arxiv/paper.ts';
import type { Logger } from '../log.ts';
import { type FullText, type FullTextSource, type Section, textLength } from './document.ts';
import { extractHtml } from './html.ts';
import { extractPdf } from './pdf.ts';

/**
 * A download through the arXiv client (`client.download`): gated by the process-wide arXiv rate gate,
 * retrying 5xx and 429 itself, returning 404 as a status and throwing when the server cannot be reached.
 */
export type Download = ArxivClient['download'];

export interface FullTextOptions {
  download: Download;
  /** https://arxiv.org/html by default; tests point it at a fake server. */
  htmlBaseUrl: string;
  /** https://arxiv.org/pdf by default. */
  pdfBaseUrl: string;
  logger: Logger;
  signal?: AbortSignal;
}

/** Less body text than this means a failed conversion (a stub page, a scanned PDF): try the next source. */
const MIN_BODY_CHARS = 1500;

/**
 * The paper's text: arXiv's HTML rendering first, the PDF second, the abstract last. The metadata's abstract
 * replaces whatever title-page matter the document had (authors, affiliations, the abstract again).
 */
export async function fetchFullText(paper: Paper, options: FullTextOptions): Promise<FullText> {
  const id = versionedId(paper);
  const attempts: Array<[FullTextSource, () => Promise<FullText | null>]> = [
    ['html', () => fromHtml(`${options.htmlBaseUrl}/${id}`, options)],
    ['pdf', () => fromPdf(`${options.pdfBaseUrl}/${id}`, options)],
  ];
  for (const [source, attempt] of attempts) {
    try {
      const document = await attempt();
      if (document && textLength(document.sections, ['body']) >= MIN_BODY_CHARS) {
        return { ...document, sections: withMetadataAbstract(paper, document.sections) };
      }
      options.logger.debug({ paperId: id, source }, 'no usable full text from this source');
    } catch (error) {
      if (options.signal?.aborted) throw error;
      options.logger.warn({ paperId: id, source, err: error }, 'full text unavailable from this source');
    }
  }
  return { source: 'abstract', title: paper.title, sections: abstractOnly(paper) };
}

export function abstractOnly(paper: Pick<Paper, 'abstract'>): Section[] {
  return paper.abstract ? [{ heading: 'Abstract', kind: 'abstract', text: paper.abstract }] : [];
}

function withMetadataAbstract(paper: Paper, sections: readonly Section[]): Section[] {
  if (!paper.abstract) return [...sections];
  return [...abstractOnly(paper), ...sections.filter((s) => s.kind !== 'front' && s.kind !== 'abstract')];
}

async function fromHtml(url: string, options: FullTextOptions): Promise<FullText | null> {
  const response = await options.download(url, { accept: 'text/html', kind: 'html', ...signalOf(options) });
  if (response.status !== 200 || !/html/i.test(response.contentType ?? 'text/html')) return null;
  return extractHtml(response.body.toString('utf8'));
}

async function fromPdf(url: string, options: FullTextOptions): Promise<FullText | null> {
  const response = await options.download(url, {
    accept: 'application/pdf',
    kind: 'pdf',
    ...signalOf(options),
  });
  // The header may follow a few bytes of junk; PDF readers look in the first kilobyte.
  if (response.status !== 200 || !response.body.subarray(0, 1024).toString('latin1').includes('%PDF-'))
    return null;
  return extractPdf(response.body);
}

function signalOf(options: FullTextOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
