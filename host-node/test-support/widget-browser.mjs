// Chromium for the widget test: Debian's /usr/bin/chromium (or $HANDOFF_CHROMIUM) driven by
// playwright-core. A missing browser, playwright-core or wasm build fails the test with a message
// saying how to get it; it never skips.

import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which Chromium runs the tests. */
export const CHROMIUM = process.env.HANDOFF_CHROMIUM || '/usr/bin/chromium';

/** Where screenshots go: `<cargo target>/screenshots/` ($CARGO_TARGET_DIR or the repository's target/). */
export const OUTPUT_DIR = `${resolve(fileURLToPath(new URL('../..', import.meta.url)), process.env.CARGO_TARGET_DIR ?? 'target', 'screenshots')}/`;

const WASM_FILES = ['../wasm/handoff_wasm.js', '../wasm/handoff_wasm_bg.wasm'].map((p) => new URL(p, import.meta.url));

/** Why the widget test cannot run here, or null when everything it needs is present. */
export function missingPrerequisite() {
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    return (
      `Chromium is not installed at ${CHROMIUM}: install it with \`apt-get install -y chromium\` ` +
      '(or run `cargo xtask test`, which installs it), or set HANDOFF_CHROMIUM to a Chromium binary'
    );
  }
  const absent = WASM_FILES.filter((url) => !existsSync(url)).map((url) => fileURLToPath(url));
  if (absent.length > 0) {
    return `the wasm build is missing (${absent.join(', ')}): run \`cargo xtask wasm\``;
  }
  return null;
}

/** Launches headless Chromium. Throws with a how-to-fix message when something is missing. */
export async function launchChromium() {
  const missing = missingPrerequisite();
  if (missing) throw new Error(missing);
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    throw new Error(`the dev dependency playwright-core is not installed: run \`npm ci\` in host-node/ (${error.message})`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * Opens a page in a fresh context (its own localStorage) and records what the console says.
 * `problems` collects console errors and warnings and uncaught page errors, each as
 * `"<type>: <text>"`.
 */
export async function openPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 820 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return { context, page, problems };
}

/** Saves a full-page screenshot as <OUTPUT_DIR>/<name>.png and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const path = `${OUTPUT_DIR}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
