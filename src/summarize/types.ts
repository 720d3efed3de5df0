/**
 * What the summarizer hands to digests and chat replies. Model output is untrusted text: it has already been
 * length-limited and normalized by the summarizer, and renderers still escape it for their markup.
 */
export interface PaperSummary {
  /** The paper, without version. */
  paperId: string;
  /** The version summarized, or null when unknown. */
  version: number | null;
  /** One or two sentences. */
  tldr: string | null;
  /** The structured summary in Markdown (contributions; method and setup; results; conclusions), or null. */
  body: string | null;
  /** "model" when an LLM wrote it; "extractive" when it was cut from the abstract because no model answered. */
  source: 'model' | 'extractive';
  /** The model that wrote it, or null for extractive summaries. */
  model: string | null;
  /** The language code asked for, e.g. "en" or "zh". */
  language: string;
}
