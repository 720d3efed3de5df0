/**
 * The worker thread of the PDF pool (pdf-pool.ts): reads one PDF at a time with the inline extractor and
 * posts back its sections, or the error as plain data (an error's class does not cross the thread
 * boundary; the pool rebuilds it from its name, code and message).
 */
import { parentPort } from 'node:worker_threads';
import { extractPdfInline } from './pdf.ts';
import type { WorkerReply, WorkerRequest } from './pdf-pool.ts';

const port = parentPort;
if (!port) throw new Error('pdf-worker.ts runs as a worker thread');

port.on('message', async (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { id: request.id, ok: true, text: await extractPdfInline(request.bytes) };
  } catch (thrown) {
    const error = thrown instanceof Error ? thrown : new Error(String(thrown));
    const fields = error as Error & {
      code?: unknown;
      userMessage?: unknown;
      kind?: unknown;
      retryable?: unknown;
    };
    reply = {
      id: request.id,
      ok: false,
      error: {
        name: error.name,
        message: error.message,
        stack: error.stack ?? null,
        code: typeof fields.code === 'string' ? fields.code : null,
        userMessage: typeof fields.userMessage === 'string' ? fields.userMessage : null,
        kind: fields.kind === 'user' || fields.kind === 'external' ? fields.kind : null,
        retryable: fields.retryable === true,
      },
    };
  }
  port.postMessage(reply);
});
