import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';

/**
 * Debian's chromium (apt-get install chromium; .ci/run installs it when missing), driven by
 * playwright-core, which downloads no browser of its own. The flags keep it off the network: this
 * machine refuses outside connections, and chromium would otherwise try many at every start.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One headless browser with a fresh profile for the callback; closed and removed afterwards. */
export async function withBrowser<T>(fn: (browser: BrowserContext) => Promise<T>): Promise<T> {
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'pakhuis-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
  }
}
