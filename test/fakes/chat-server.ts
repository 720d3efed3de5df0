/**
 * A minimal chat platform over HTTP on 127.0.0.1, for tests where the bot runs in another process (and is
 * killed): it keeps every message with its thread and idempotency key, answers the lookups an adapter
 * needs, and lets the test act at the moment a post arrives (kill the poster before or after the answer).
 *
 *   POST /post   {target, text, thread?, key?, from?}  -> {id}
 *   GET  /find?target=&key=&thread=            -> {id} or {id: null}
 *   GET  /messages                             -> ChatMessage[]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
  id: string;
  /** Which bot process posted it, when it says (replica tests). */
  from: string | null;
  target: string;
  thread: string | null;
  key: string | null;
  text: string;
}

export type PostHook = (
  message: ChatMessage,
  count: number,
) => 'answer' | 'hang' | Promise<'answer' | 'hang'>;

export interface FakeChat {
  url: string;
  readonly messages: readonly ChatMessage[];
  /** Called when a post has been stored, before it is answered: return 'hang' to never answer it. */
  onPost(hook: PostHook | null): void;
  close(): Promise<void>;
}

export async function startFakeChat(): Promise<FakeChat> {
  const messages: ChatMessage[] = [];
  let hook: PostHook | null = null;
  let counter = 0;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/post') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<ChatMessage>;
      const message: ChatMessage = {
        id: String(++counter),
        from: body.from ?? null,
        target: String(body.target),
        thread: body.thread ?? null,
        key: body.key ?? null,
        text: String(body.text ?? ''),
      };
      messages.push(message);
      const decision = hook ? await hook(message, messages.length) : 'answer';
      if (decision === 'answer') json(res, 200, { id: message.id });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/find') {
      const target = url.searchParams.get('target');
      const key = url.searchParams.get('key');
      const thread = url.searchParams.get('thread');
      const found = messages.find(
        (message) =>
          message.target === target && message.key === key && (thread === null || message.thread === thread),
      );
      json(res, 200, { id: found?.id ?? null });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/messages') {
      json(res, 200, messages);
      return;
    }
    json(res, 404, { error: 'not found' });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get messages() {
      return messages;
    },
    onPost(next) {
      hook = next;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
