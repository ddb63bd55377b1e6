// A webhook receiver on the loopback interface (127.0.0.1, a free port) that answers from a script.

import { createServer } from 'node:http';

/**
 * @param {Array<{status?: number, headers?: object, body?: string, hang?: boolean}> |
 *         ((request, n) => {status?: number, headers?: object, body?: string, hang?: boolean})} script
 *   the n-th request gets the n-th answer (the last one repeats), or what the function returns
 */
export async function startReceiver(script = [{ status: 200 }]) {
  const requests = [];
  const hanging = new Set();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method,
        url: req.url,
        headers: { ...req.headers },
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const n = requests.length;
      const answer = typeof script === 'function' ? script(request, n) : script[Math.min(n, script.length) - 1];
      if (answer.hang) {
        hanging.add(res);
        return;
      }
      res.writeHead(answer.status ?? 200, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    requests,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
