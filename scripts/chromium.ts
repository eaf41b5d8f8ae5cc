/** Debian's Chromium driven over the DevTools protocol (playwright-core, no browser download): the report test and screenshot. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, BrowserContext } from 'playwright-core';

/** The system Chromium: $CHROMIUM_PATH, else /usr/bin/chromium (what .ci/run installs). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumOk = fs.existsSync(CHROMIUM);

/** Headless, no sandbox (root), no GPU, no background traffic, a fresh profile. */
export async function launchChromium(): Promise<BrowserContext> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tc-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
