/**
 * How long the event loop waits while PDFs are read: ten copies of a real arXiv PDF (the shared fixture
 * pdf/1111.2011v2.pdf, 8 pages) read at once, first inline on the main thread (extractPdfInline, as before
 * issue 12) and then on the worker pool (extractPdf). The event-loop delay is perf_hooks'
 * monitorEventLoopDelay (10 ms resolution); p99 and max are what a command waiting to be acknowledged would
 * wait. The pool is warmed up first (its workers started and PDF.js loaded) so the figure is the steady state.
 *
 *   node_modules/.bin/node bench/pdf-event-loop.bench.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { closePdfPool, extractPdf, extractPdfInline } from '../src/summarize/pdf.ts';
import { sharedFixturePath } from '../test/support/shared-fixtures.ts';

const COPIES = 10;
const path = sharedFixturePath('pdf/1111.2011v2.pdf');
if (!existsSync(path)) {
  console.log(`skipped: the shared fixture ${path} is missing`);
  process.exit(0);
}
const pdf = new Uint8Array(readFileSync(path));

async function measure(label: string, extract: (bytes: Uint8Array) => Promise<unknown>): Promise<void> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const start = performance.now();
  await Promise.all(Array.from({ length: COPIES }, () => extract(pdf)));
  const wall = performance.now() - start;
  histogram.disable();
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  console.log(
    `${label.padEnd(18)} ${COPIES} PDFs in ${(wall / 1000).toFixed(2)} s   event-loop delay p99 ${ms(histogram.percentile(99))} ms, max ${ms(histogram.max)} ms`,
  );
}

await extractPdfInline(pdf); // PDF.js loaded on the main thread too, so neither run pays for loading it
await measure('before (inline)', extractPdfInline);
await Promise.all([extractPdf(pdf), extractPdf(pdf)]);
await measure('after (workers)', extractPdf);
await closePdfPool();
