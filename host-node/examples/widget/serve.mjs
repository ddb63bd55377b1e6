// A development server for the widget example: serves host-node/ as static files with the MIME
// types browsers insist on (`.wasm` as application/wasm, for streaming compilation) and compressed
// (brotli, else gzip, as the browser accepts): the engine's wasm is about a fifth of its size on
// the wire. Production belongs behind your own server or CDN, which should do the same.
//
//   node examples/widget/serve.mjs [port]      (from host-node/; default port 8000, on 127.0.0.1)
//   open http://127.0.0.1:8000/examples/widget/?now=2026-11-25T06:00:00Z

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';

/** host-node/, the folder served. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Content types by file extension. */
export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** What is worth compressing (images are compressed already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.md', '.ts', '.svg']);

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Compressed bodies by path, size and modification time: each file is compressed once. */
const cache = new Map();

/** `br`, `gzip` or `null`: the best encoding `accept` (an Accept-Encoding header) allows. */
export function chooseEncoding(accept) {
  const offered = new Map();
  for (const part of String(accept ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    offered.set(name, q ? Number(q.slice(2)) : 1);
  }
  for (const name of ['br', 'gzip']) {
    const q = offered.get(name) ?? offered.get('*') ?? 0;
    if (q > 0) return name;
  }
  return null;
}

async function compressed(path, info, encoding, body) {
  const key = `${encoding}:${path}:${info.size}:${info.mtimeMs}`;
  let entry = cache.get(key);
  if (!entry) {
    entry =
      encoding === 'br'
        ? brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
        : gzipAsync(body, { level: 9 });
    cache.set(key, entry);
  }
  return entry;
}

/**
 * Answers a GET or HEAD for a file under `root` (index.html for a folder), compressed when the
 * browser accepts it; 404 for anything else, 403 outside `root`.
 * @param {string} root an absolute folder, ending with the path separator
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} pathname the request's path (already parsed)
 */
export async function serveStatic(root, req, res, pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    res.writeHead(400);
    res.end();
    return;
  }
  let path = normalize(join(root, decoded));
  if (!(path + sep).startsWith(root) || decoded.includes('\0')) {
    res.writeHead(403);
    res.end();
    return;
  }
  let info = await stat(path).catch(() => null);
  if (info?.isDirectory()) {
    if (!pathname.endsWith('/')) {
      res.writeHead(301, { location: `${pathname}/` });
      res.end();
      return;
    }
    path = join(path, 'index.html');
    info = await stat(path).catch(() => null);
  }
  if (!info?.isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(`not found: ${pathname}`);
    return;
  }
  const extension = extname(path);
  const headers = { 'content-type': MIME[extension] ?? 'application/octet-stream', 'cache-control': 'no-cache' };
  let body = await readFile(path);
  if (COMPRESSIBLE.has(extension)) {
    headers.vary = 'accept-encoding';
    const encoding = chooseEncoding(req.headers['accept-encoding']);
    if (encoding) {
      body = await compressed(path, info, encoding, body);
      headers['content-encoding'] = encoding;
    }
  }
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Starts the server on 127.0.0.1:`port` (0: any free port); resolves to it once listening. */
export async function startDevServer(port = 8000) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    serveStatic(PACKAGE_ROOT, req, res, url.pathname).catch((error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`server error: ${error.message}`);
    });
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const port = Number(process.argv[2] ?? 8000);
  const server = await startDevServer(port);
  const { port: bound } = server.address();
  console.log(`serving ${PACKAGE_ROOT} on http://127.0.0.1:${bound}/examples/widget/ (compressed)`);
}
