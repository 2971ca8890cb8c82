/**
 * A receipt keeper on loopback for the push tests: answers each path with the next status of its
 * script (the last one repeats; a path without a script gets 404) and records every request.
 * Scripts may be changed while it runs (e.g. a keeper that starts accepting).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received { path: string; contentType: string | undefined; body: { receipt: string } }

export async function loopbackKeeper(scripts: Record<string, number[]>, delayMs = 0) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => { text += c; });
    req.on('end', () => {
      const path = new URL(req.url!, 'http://x').pathname;
      received.push({ path, contentType: req.headers['content-type'], body: JSON.parse(text) });
      const script = scripts[path] ?? [404];
      const status = script.length > 1 ? script.shift()! : script[0]!;
      setTimeout(() => res.writeHead(status).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, received, scripts, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
