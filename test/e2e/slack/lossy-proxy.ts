/**
 * A loopback HTTP proxy in front of the fake Slack's Web API that can lose answers: the request reaches the
 * fake (which does what it asks: a post is stored), but the client's connection is cut before the answer
 * comes back, as when a network path or a load balancer fails at the wrong moment. The client sees a
 * network error and cannot know whether its call took effect.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LossyProxy {
  /** The Web API base URL to give the adapter (`apiUrl`). */
  apiUrl: string;
  /** Loses the answers of the next `times` calls to `method`, after letting `skip` of them through. */
  loseAnswers(method: string, options?: { skip?: number; times?: number }): void;
  /** The calls whose answer was lost, by method. */
  readonly lost: string[];
  close(): Promise<void>;
}

export async function startLossyProxy(target: string): Promise<LossyProxy> {
  const rules: Array<{ method: string; skip: number; times: number }> = [];
  const lost: string[] = [];
  const base = new URL(target);

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const path = request.url ?? '/';
      const method = path.replace(/^.*\/api\//, '').replace(/\?.*$/, '');
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'authorization']) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      let answer: Response;
      try {
        answer = await fetch(new URL(path, base), {
          method: request.method ?? 'POST',
          headers,
          body: Buffer.concat(chunks),
        });
      } catch {
        response.socket?.destroy();
        return;
      }
      const body = Buffer.from(await answer.arrayBuffer());
      const rule = rules.find((r) => r.method === method);
      if (rule && answer.status === 200) {
        if (rule.skip > 0) rule.skip -= 1;
        else {
          rule.times -= 1;
          if (rule.times <= 0) rules.splice(rules.indexOf(rule), 1);
          lost.push(method);
          // The fake has done the work; the answer never arrives.
          response.socket?.destroy();
          return;
        }
      }
      const forwarded: Record<string, string> = {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      };
      const retryAfter = answer.headers.get('retry-after');
      if (retryAfter !== null) forwarded['retry-after'] = retryAfter;
      response.writeHead(answer.status, forwarded).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    loseAnswers(method, options = {}) {
      rules.push({ method, skip: options.skip ?? 0, times: options.times ?? 1 });
    },
    lost,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
