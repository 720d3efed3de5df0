import { findArxivId, type ParsedId, parseArxivId } from '../../arxiv/paper.ts';
import { UserError } from '../../errors.ts';
import { clip } from './input.ts';

const PAPER_FORM =
  'Use an arXiv id such as 2401.01234, 2401.01234v2 or hep-th/9504118, or an arxiv.org link to the paper.';

/** Spells an id the way arXiv does: `HEP-TH/9504118V1` -> `hep-th/9504118v1`, `math.gt/0309136` -> `math.GT/0309136`. */
function arxivSpelling(id: string): string {
  const old = /^([a-z-]+)(?:\.([a-z]{2}))?\/(\d{7})(?:v(\d+))?$/iu.exec(id);
  if (old) {
    const [, archive = '', subject, number, version] = old;
    return `${archive.toLowerCase()}${subject ? `.${subject.toUpperCase()}` : ''}/${number}${version ? `v${version}` : ''}`;
  }
  return id.replace(/V(\d+)$/u, 'v$1');
}

/**
 * The paper a `summary` names: a bare id (new or old style, with or without version), `arXiv:<id>`, or a
 * link to an arxiv.org (or subdomain) abs, pdf or html page, with or without `https://`.
 */
export function parsePaperRef(text: string): ParsedId {
  const ref = text.normalize('NFKC').trim();
  const isLink = /^https?:\/\//iu.test(ref) || /^(?:[\w-]+\.)*arxiv\.org\//iu.test(ref);
  if (!isLink) {
    const parsed = parseArxivId(arxivSpelling(ref.replace(/^arxiv:\s*/iu, '')));
    if (parsed) return parsed;
    throw new UserError('INPUT_INVALID', `"${clip(ref)}" is not an arXiv id. ${PAPER_FORM}`);
  }
  let url: URL;
  try {
    url = new URL(/^https?:\/\//iu.test(ref) ? ref : `https://${ref}`);
  } catch {
    throw new UserError('INPUT_INVALID', `"${clip(ref)}" is not a valid link. ${PAPER_FORM}`);
  }
  const host = url.hostname.toLowerCase();
  if (host !== 'arxiv.org' && !host.endsWith('.arxiv.org')) {
    throw new UserError('INPUT_INVALID', `That link goes to ${clip(host)}, not arxiv.org. ${PAPER_FORM}`);
  }
  const parsed = findArxivId(`arxiv.org${url.pathname}`);
  if (parsed) return parsed;
  throw new UserError('INPUT_INVALID', `That arxiv.org link does not point to a paper. ${PAPER_FORM}`);
}
