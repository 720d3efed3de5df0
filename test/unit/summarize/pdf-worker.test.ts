import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Keyv from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExternalError, UserError } from '../../../src/errors.ts';
import { closePdfPool, extractPdf, extractPdfInline } from '../../../src/summarize/pdf.ts';
import { PdfBusyError, PdfPool, PdfWorkerError } from '../../../src/summarize/pdf-pool.ts';
import { Summarizer } from '../../../src/summarize/summarizer.ts';
import { describeWithSharedFixtures, readSharedFixture } from '../../support/shared-fixtures.ts';

afterAll(async () => {
  await closePdfPool();
});

/** Gaps between the ticks of a 10 ms interval while `work` runs. */
async function tickGaps(work: () => Promise<unknown>): Promise<{ gaps: number[]; elapsed: number }> {
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 10);
  const start = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  gaps.push(performance.now() - last);
  return { gaps, elapsed: performance.now() - start };
}

describeWithSharedFixtures('extractPdf on a worker thread (1111.2011v2)', () => {
  it('gives the same sections as the inline extractor', async () => {
    const bytes = readSharedFixture('pdf/1111.2011v2.pdf');
    expect(await extractPdf(bytes)).toEqual(await extractPdfInline(bytes));
  });

  it('keeps the event loop turning while the PDF is read: a 10 ms interval never waits 100 ms', async () => {
    const bytes = readSharedFixture('pdf/1111.2011v2.pdf');
    await extractPdf(bytes); // the worker is started and PDF.js loaded
    const { gaps, elapsed } = await tickGaps(() => Promise.all([extractPdf(bytes), extractPdf(bytes)]));
    expect(elapsed).toBeGreaterThan(100);
    expect(Math.max(...gaps)).toBeLessThan(100);
    expect(gaps.length).toBeGreaterThanOrEqual(Math.floor(elapsed / 10 / 2));
  });

  it('leaves the caller its bytes (they are copied to the worker, not moved)', async () => {
    const bytes = new Uint8Array(readSharedFixture('pdf/1111.2011v2.pdf'));
    await extractPdf(bytes);
    expect(bytes.byteLength).toBeGreaterThan(1000);
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
  });
});

describe('extractPdf: a corrupt PDF', () => {
  const corrupt = [
    new TextEncoder().encode('<html>not a pdf</html>'),
    new TextEncoder().encode('%PDF-1.5\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer garbage'),
  ];

  it('is refused with the error the inline extractor throws (same name and message)', async () => {
    for (const bytes of corrupt) {
      const inline = await extractPdfInline(bytes).then(
        () => null,
        (error: Error) => error,
      );
      const pooled = await extractPdf(bytes).then(
        () => null,
        (error: Error) => error,
      );
      expect(inline).toBeInstanceOf(Error);
      expect(pooled).toBeInstanceOf(Error);
      expect(pooled?.name).toBe(inline?.name);
      expect(pooled?.message).toBe(inline?.message);
    }
  });

  it('is still a UserError INPUT_INVALID from summarizePdf', async () => {
    const summarizer = new Summarizer({
      cache: new Keyv(),
      download: async () => {
        throw new Error('nothing is downloaded for a local PDF');
      },
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'test-model',
      apiKey: null,
      apiKeyEnv: 'OPENAI_API_KEY',
      language: 'en',
      maxWorkers: 1,
    });
    const error = await summarizer.summarizePdf(corrupt[0] as Uint8Array).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('INPUT_INVALID');
  });
});

describe('PdfPool with a misbehaving worker', () => {
  let dir: string;
  let workerUrl: URL;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pdf-pool-'));
    const file = join(dir, 'fake-worker.mjs');
    await writeFile(
      file,
      `import { parentPort } from 'node:worker_threads';
parentPort.on('message', ({ id, bytes }) => {
  const command = new TextDecoder().decode(bytes);
  if (command === 'hang') for (;;) {}
  if (command === 'crash') throw new Error('boom');
  if (command === 'exit') process.exit(3);
  if (command === 'slow') { const end = Date.now() + 150; while (Date.now() < end) {} }
  const error = (fields) => parentPort.postMessage({ id, ok: false, error: { stack: null, code: null, userMessage: null, kind: null, retryable: false, ...fields } });
  if (command === 'user') return error({ name: 'UserError', message: 'Bad input (why)', code: 'INPUT_INVALID', userMessage: 'Bad input', kind: 'user' });
  if (command === 'external') return error({ name: 'ExternalError', message: 'Down', code: 'ARXIV_HTTP', userMessage: 'Down', kind: 'external', retryable: true });
  if (command === 'pdfjs') return error({ name: 'InvalidPDFException', message: 'Invalid PDF structure.' });
  parentPort.postMessage({ id, ok: true, text: { source: 'pdf', title: command, sections: [] } });
});
`,
    );
    workerUrl = pathToFileURL(file);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const bytes = (command: string) => new TextEncoder().encode(command);

  it('gives up a document past the time limit, replaces the worker and goes on', async () => {
    const pool = new PdfPool({ size: 1, timeoutMs: 300, workerUrl });
    try {
      const hung = pool.extract(bytes('hang'));
      const next = pool.extract(bytes('after'));
      await expect(hung).rejects.toThrow(PdfWorkerError);
      await expect(hung).rejects.toThrow(/longer than 0 s|took longer/);
      await expect(next).resolves.toMatchObject({ title: 'after' });
      expect(pool.workers).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('replaces a worker that crashes or exits, failing only its document', async () => {
    const pool = new PdfPool({ size: 1, workerUrl });
    try {
      await expect(pool.extract(bytes('crash'))).rejects.toThrow(/crashed on this PDF \(boom\)/);
      await expect(pool.extract(bytes('exit'))).rejects.toThrow(/stopped on this PDF \(exit code 3\)/);
      await expect(pool.extract(bytes('fine'))).resolves.toMatchObject({ title: 'fine' });
    } finally {
      await pool.close();
    }
  });

  it('rebuilds UserError and ExternalError from code and message, and other errors by name', async () => {
    const pool = new PdfPool({ size: 1, workerUrl });
    try {
      const user = await pool.extract(bytes('user')).catch((error: unknown) => error);
      expect(user).toBeInstanceOf(UserError);
      expect(user).toMatchObject({
        code: 'INPUT_INVALID',
        userMessage: 'Bad input',
        message: 'Bad input (why)',
      });
      const external = await pool.extract(bytes('external')).catch((error: unknown) => error);
      expect(external).toBeInstanceOf(ExternalError);
      expect(external).toMatchObject({ code: 'ARXIV_HTTP', retryable: true });
      const pdfjs = await pool.extract(bytes('pdfjs')).catch((error: unknown) => error);
      expect(pdfjs).toBeInstanceOf(Error);
      expect(pdfjs).toMatchObject({ name: 'InvalidPDFException', message: 'Invalid PDF structure.' });
    } finally {
      await pool.close();
    }
  });

  it('bounds its queue, runs at most `size` workers, and fails queued jobs on close', async () => {
    const pool = new PdfPool({ size: 2, maxQueue: 2, workerUrl });
    const running = [pool.extract(bytes('slow')), pool.extract(bytes('slow'))];
    const queued = [pool.extract(bytes('a')), pool.extract(bytes('b'))];
    await expect(pool.extract(bytes('c'))).rejects.toThrow(PdfBusyError);
    expect(pool.workers).toBe(2);
    await expect(Promise.all([...running, ...queued])).resolves.toHaveLength(4);
    const late = [pool.extract(bytes('hang')), pool.extract(bytes('queued'))].map((job) =>
      job.then(
        () => null,
        (error: unknown) => error,
      ),
    );
    await pool.close();
    for (const error of await Promise.all(late)) {
      expect(error).toBeInstanceOf(PdfWorkerError);
      expect((error as Error).message).toMatch(/closed/);
    }
    expect(pool.workers).toBe(0);
  });
});
