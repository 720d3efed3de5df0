/**
 * A small pool of worker threads that read PDFs, so that PDF.js (half a second for an eight-page paper,
 * seconds for a long one) never holds the main thread's event loop while commands wait to be acknowledged.
 *
 * - Workers start on first use, at most `size` of them (two by default, one on a single-core machine).
 * - Jobs wait in a bounded queue; past `maxQueue` waiting jobs a new one is refused at once (PdfBusyError).
 * - Each document has a time limit (60 s by default): a worker that takes longer, crashes or runs out of
 *   memory on a hostile PDF is terminated and replaced, and the job fails with a PdfWorkerError saying so.
 * - An idle worker does not keep the process alive (it is unref'd); a busy one does.
 * - Errors thrown in the worker come back as the same errors: UserError and ExternalError are rebuilt from
 *   their code and message, anything else as an Error of the same name and message.
 * - close() terminates the workers and fails the queued jobs; the pool starts again if used after that.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  type ErrorCode,
  ExternalError,
  type ExternalErrorCode,
  formatSeconds,
  UserError,
  type UserErrorCode,
} from '../errors.ts';
import type { FullText } from './document.ts';

export interface WorkerRequest {
  id: number;
  bytes: Uint8Array;
}

export interface SerializedError {
  name: string;
  message: string;
  stack: string | null;
  code: string | null;
  userMessage: string | null;
  kind: 'user' | 'external' | null;
  retryable: boolean;
}

export type WorkerReply =
  | { id: number; ok: true; text: FullText }
  | { id: number; ok: false; error: SerializedError };

/** A PDF the worker could not finish: it took too long, crashed, or ran out of memory. */
export class PdfWorkerError extends Error {
  override readonly name: string = 'PdfWorkerError';
}

/** A PDF that took longer than the pool's time limit (`limitMs`) to read; its worker was replaced. */
export class PdfTimeoutError extends PdfWorkerError {
  override readonly name = 'PdfTimeoutError';
  readonly limitMs: number;

  constructor(limitMs: number) {
    super(`Reading this PDF took longer than ${formatSeconds(limitMs)}; it was given up`);
    this.limitMs = limitMs;
  }
}

/** Too many PDFs already waiting to be read. */
export class PdfBusyError extends Error {
  override readonly name = 'PdfBusyError';
}

export interface PdfPoolOptions {
  size?: number;
  maxQueue?: number;
  timeoutMs?: number;
  /** Heap limit of a worker, in MB. */
  maxHeapMb?: number;
  /** The worker's module; pdf-worker.ts by default (tests give a misbehaving one). */
  workerUrl?: URL;
}

interface Job {
  id: number;
  bytes: Uint8Array;
  resolve: (text: FullText) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

export class PdfPool {
  readonly size: number;
  readonly maxQueue: number;
  readonly timeoutMs: number;
  readonly #maxHeapMb: number;
  readonly #workerUrl: URL;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #nextId = 1;

  constructor(options: PdfPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(2, Math.max(1, availableParallelism() - 1)));
    this.maxQueue = options.maxQueue ?? 64;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.#maxHeapMb = options.maxHeapMb ?? 512;
    this.#workerUrl = options.workerUrl ?? new URL('./pdf-worker.ts', import.meta.url);
  }

  /** Workers running now (for tests). */
  get workers(): number {
    return this.#slots.length;
  }

  extract(bytes: Uint8Array): Promise<FullText> {
    if (this.#queue.length >= this.maxQueue) {
      return Promise.reject(
        new PdfBusyError(`${this.#queue.length} PDFs are already waiting to be read; try again later`),
      );
    }
    return new Promise<FullText>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, bytes, resolve, reject });
      this.#dispatch();
    });
  }

  /** Terminates the workers; queued and running jobs fail. */
  async close(): Promise<void> {
    const closed = new PdfWorkerError('The PDF reader was closed before this PDF was read');
    for (const job of this.#queue.splice(0)) job.reject(closed);
    const slots = this.#slots.splice(0);
    await Promise.all(
      slots.map(async (slot) => {
        this.#release(slot)?.reject(closed);
        await slot.worker.terminate();
      }),
    );
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let slot = this.#slots.find((s) => s.job === null);
      if (!slot && this.#slots.length < this.size) slot = this.#spawn();
      if (!slot) return;
      const job = this.#queue.shift() as Job;
      this.#run(slot, job);
    }
  }

  #spawn(): Slot {
    const worker = new Worker(this.#workerUrl, {
      resourceLimits: { maxOldGenerationSizeMb: this.#maxHeapMb },
    });
    const slot: Slot = { worker, job: null, timer: null };
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      if (slot.job?.id !== reply.id) return;
      const job = this.#release(slot);
      if (reply.ok) job?.resolve(reply.text);
      else job?.reject(rebuildError(reply.error));
      this.#dispatch();
    });
    worker.on('error', (error) =>
      this.#replace(slot, new PdfWorkerError(`The PDF reader crashed on this PDF (${error.message})`)),
    );
    worker.on('exit', (code) =>
      this.#replace(slot, new PdfWorkerError(`The PDF reader stopped on this PDF (exit code ${code})`)),
    );
    this.#slots.push(slot);
    return slot;
  }

  #run(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => this.#replace(slot, new PdfTimeoutError(this.timeoutMs)), this.timeoutMs);
    slot.timer.unref();
    // A copy whose buffer moves to the worker (PDF.js takes ownership of what it reads anyway).
    const copy = new Uint8Array(job.bytes);
    slot.worker.postMessage({ id: job.id, bytes: copy } satisfies WorkerRequest, [copy.buffer]);
  }

  /** Frees a slot of its job (returned), its timer and its hold on the process. */
  #release(slot: Slot): Job | null {
    const job = slot.job;
    slot.job = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.worker.unref();
    return job;
  }

  /** Drops a worker that crashed, exited or hung: its job fails with `error`, the queue goes on with a new one. */
  #replace(slot: Slot, error: PdfWorkerError): void {
    const at = this.#slots.indexOf(slot);
    if (at < 0) return;
    this.#slots.splice(at, 1);
    this.#release(slot)?.reject(error);
    slot.worker.removeAllListeners('exit');
    slot.worker.on('error', () => {});
    void slot.worker.terminate();
    this.#dispatch();
  }
}

function rebuildError(data: SerializedError): Error {
  let error: Error;
  if (data.kind === 'user' && data.code && data.userMessage !== null) {
    error = new UserError(data.code as UserErrorCode, data.userMessage);
  } else if (data.kind === 'external' && data.code && data.userMessage !== null) {
    error = new ExternalError(data.code as ExternalErrorCode & ErrorCode, data.userMessage, {
      retryable: data.retryable,
    });
  } else {
    error = new Error(data.message);
    if (data.name !== 'Error')
      Object.defineProperty(error, 'name', { value: data.name, configurable: true, writable: true });
    if (data.code) Object.assign(error, { code: data.code });
  }
  error.message = data.message;
  if (data.stack) error.stack = data.stack;
  return error;
}
