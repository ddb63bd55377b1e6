// The widget test's web server, on 127.0.0.1 (a free port): serves host-node/ as static files (the
// page, the package's src/ and wasm/, compressed, with the MIME types browsers insist on: the
// example's own examples/widget/serve.mjs), stands in for the
// page's backend (records every POST to /backend/…), and serves configurations the test makes
// (/test-config/<name>.json) without writing them into the repository.

import { createServer } from 'node:http';
import { MIME, PACKAGE_ROOT, serveStatic } from '../examples/widget/serve.mjs';

export { PACKAGE_ROOT };

/**
 * Starts the server.
 * @param {{configs?: Record<string, object>, backendStatus?: (request, n) => number}} [options]
 *   `configs`: name -> configuration served at /test-config/<name>.json;
 *   `backendStatus`: the status the backend answers the n-th POST with (default 200)
 * @returns {Promise<{origin: string, backend: Array<{path, headers, body, json, status}>,
 *   waitForBackend(predicate): Promise<object>, close(): Promise<void>}>}
 *   `backend`: every POST, in arrival order, with the status it was answered with
 */
export async function startWidgetServer({ configs = {}, backendStatus = () => 200 } = {}) {
  const backend = [];
  const waiters = new Set();
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`server error: ${error.message}`);
    });
  });

  async function handle(req, res) {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname.startsWith('/backend/')) {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const body = Buffer.concat(chunks).toString('utf8');
      let json = null;
      try {
        json = JSON.parse(body);
      } catch {
        // recorded as is; the test says what it expected
      }
      const request = { path: url.pathname, headers: { ...req.headers }, body, json, status: 0 };
      backend.push(request);
      request.status = backendStatus(request, backend.length);
      for (const waiter of [...waiters]) waiter();
      res.writeHead(request.status, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    const configMatch = /^\/test-config\/([\w-]+)\.json$/.exec(url.pathname);
    if (configMatch && Object.hasOwn(configs, configMatch[1])) {
      res.writeHead(200, { 'content-type': MIME['.json'], 'cache-control': 'no-store' });
      res.end(JSON.stringify(configs[configMatch[1]]));
      return;
    }
    // The example's own development server's files: compressed, as README tells users to serve them.
    await serveStatic(PACKAGE_ROOT, req, res, url.pathname);
  }

  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    backend,
    /** Resolves with the first recorded backend request `predicate` accepts (now or later). */
    waitForBackend(predicate) {
      return new Promise((resolve) => {
        const check = () => {
          const found = backend.find(predicate);
          if (found) {
            waiters.delete(check);
            resolve(found);
          }
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
