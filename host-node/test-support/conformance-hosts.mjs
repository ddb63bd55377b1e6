// The hosts the conformance tests run replay jobs in (test-support/replay-core.mjs's `runJob`):
// the real workerd (test-support/conformance-worker/) and a real Chromium page
// (test-support/conformance-page.html served from a loopback HTTP server). A missing workerd or
// Chromium throws saying how to get it; nothing is skipped.

import { launchChromium, openPage } from './widget-browser.mjs';
import { startWidgetServer } from './widget-server.mjs';
import { CONFORMANCE_WORKERD_CONFIG, CONFORMANCE_WORKER_DIR, startWorkerd, workerdMissing } from './worker-workerd.mjs';
import { wasmBuildsMissing } from './conformance.mjs';

/**
 * Starts workerd with the conformance worker and waits until its engine is loaded.
 * @returns {Promise<{url: string, replay(job): Promise<Buffer>, jobs(jobs): Promise<object[]>,
 *                    output(): string, kill(): Promise<void>}>}
 */
export async function startConformanceWorkerd() {
  const missing = [workerdMissing(), wasmBuildsMissing()].filter(Boolean);
  if (missing.length) throw new Error(missing.join('; '));
  const worker = await startWorkerd({ config: CONFORMANCE_WORKERD_CONFIG, cwd: CONFORMANCE_WORKER_DIR });
  const post = async (path, body) => {
    const response = await fetch(`${worker.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) {
      throw new Error(`workerd answered POST ${path} with ${response.status}: ${bytes.toString('utf8')}\nworkerd said:\n${worker.output()}`);
    }
    return bytes;
  };
  const health = await fetch(`${worker.url}/health`);
  if (health.status !== 200) {
    const text = await health.text();
    await worker.kill();
    throw new Error(`the conformance worker did not start: ${health.status} ${text}\nworkerd said:\n${worker.output()}`);
  }
  return {
    url: worker.url,
    /** The worker's golden vector text for one conversation, as bytes. */
    replay: (job) => post('/replay', job),
    /** Results of `runJobs` in the worker. */
    jobs: async (jobs) => JSON.parse((await post('/jobs', jobs)).toString('utf8')),
    output: () => worker.output(),
    kill: () => worker.kill(),
  };
}

/**
 * Starts a loopback HTTP server for host-node/, launches Chromium and opens the conformance page.
 * `requests` lists every URL the page fetched.
 * @returns {Promise<{origin: string, requests: string[], problems: string[],
 *                    jobs(jobs): Promise<object[]>, close(): Promise<void>}>}
 */
export async function startConformancePage() {
  const missing = wasmBuildsMissing();
  if (missing) throw new Error(missing);
  const server = await startWidgetServer();
  let browser;
  try {
    browser = await launchChromium();
    const { page, problems } = await openPage(browser);
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${server.origin}/test-support/conformance-page.html`);
    await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 60_000 });
    if ((await page.evaluate(() => document.body.dataset.state)) !== 'ready') {
      throw new Error(`the conformance page did not load the engine: ${await page.locator('#problem').textContent()}\n${problems.join('\n')}`);
    }
    return {
      origin: server.origin,
      requests,
      problems,
      jobs: (jobs) => page.evaluate((all) => window.conformance.runJobs(all), jobs),
      async close() {
        await browser.close();
        await server.close();
      },
    };
  } catch (error) {
    await browser?.close();
    await server.close();
    throw error;
  }
}
