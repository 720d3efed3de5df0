import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Keyv from 'keyv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.ts';
import { closePdfPool, usePdfReader } from '../../../src/summarize/pdf.ts';
import { PdfPool, PdfTimeoutError } from '../../../src/summarize/pdf-pool.ts';
import { Summarizer } from '../../../src/summarize/summarizer.ts';

/*
 * What `summarize --pdf` says when the PDF cannot be read: a file that took longer than the reader's time
 * limit is not called unreadable (it says how long it was given and what to do); a file PDF.js refuses is.
 */

const summarizer = () =>
  new Summarizer({
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

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

describe('summarizePdf: why a PDF could not be read', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pdf-timeout-'));
    const file = join(dir, 'hanging-worker.mjs');
    // A PDF reader that never finishes, as PDF.js on a pathological file.
    await writeFile(
      file,
      `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { for (;;) {} });\n`,
    );
    await usePdfReader(new PdfPool({ size: 1, timeoutMs: 250, workerUrl: pathToFileURL(file) }));
  });
  afterAll(async () => {
    await closePdfPool();
    await rm(dir, { recursive: true, force: true });
  });

  it('says a PDF over the time limit took too long, with the limit and what to do', async () => {
    const error = await failure(summarizer().summarizePdf(new TextEncoder().encode('%PDF-1.5 slow')));
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: 'LIMIT_EXCEEDED' });
    const message = (error as UserError).userMessage;
    expect(message).toContain('took longer than 0.25 s');
    expect(message).toMatch(/try a shorter file|summarize the paper by its arXiv id/);
    expect(message).not.toMatch(/not a readable PDF/);
    expect((error as UserError).cause).toBeInstanceOf(PdfTimeoutError);
  });

  it('still calls a file PDF.js refuses not a readable PDF', async () => {
    await closePdfPool(); // back to the real worker pool
    const error = await failure(
      summarizer().summarizePdf(new TextEncoder().encode('<html>not a pdf</html>')),
    );
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({
      code: 'INPUT_INVALID',
      userMessage: 'The file is not a readable PDF. Check that it is the PDF of a paper.',
    });
  });
});
