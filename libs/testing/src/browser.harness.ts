import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator } from 'playwright-core';
import { pollUntil } from './poll-until.util';

/** Debian's Chromium, which `scripts/ensure-chromium.sh` installs (the test command runs it). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const ENSURE_SCRIPT = join(__dirname, '..', '..', '..', 'scripts', 'ensure-chromium.sh');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Makes sure Chromium is there, installing it (scripts/ensure-chromium.sh) when it is not. Returns null when it
 * can be launched, else why not: the only reason a browser test may skip.
 */
function chromiumUnavailable(): string | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const run = spawnSync('bash', [ENSURE_SCRIPT], { encoding: 'utf8', timeout: 600000 });
  if (existsSync(CHROMIUM_PATH)) return null;
  const why = (run.stderr || run.stdout || run.error?.message || 'no output').trim().slice(-500);
  return `Chromium is missing at ${CHROMIUM_PATH} and scripts/ensure-chromium.sh could not install it: ${why}`;
}

/**
 * `describe` when Chromium can be launched, else `describe.skip` after saying why on stderr (`[label] SKIPPED: ...`):
 * a browser spec's only way to skip.
 */
export function describeWithChromium(label: string): jest.Describe {
  const unavailable = chromiumUnavailable();
  if (unavailable) process.stderr.write(`[${label}] SKIPPED: ${unavailable}\n`);
  return unavailable ? describe.skip : describe;
}

export interface HeadlessChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium (playwright-core) on a fresh profile directory, removed on close. */
export async function launchChromium(): Promise<HeadlessChromium> {
  // Loaded here, not at the top: most tests import @newsroom/testing and never need a browser.
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'newsroom-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits until the locator's text matches; on a timeout the error quotes the text it last had. Each read may take a
 * fifth of the wait (1 to 5 s): under the suite's load a page can take over a second to answer one, and a read that
 * timed out reads as "" (a CI rehearsal saw only "" for 15 s of a text the page showed).
 */
export async function expectPageText(locator: Locator, pattern: RegExp, timeoutMs = 15000): Promise<void> {
  let last = '';
  const readMs = Math.min(5000, Math.max(1000, Math.round(timeoutMs / 5)));
  await pollUntil(async () => pattern.test((last = await locator.innerText({ timeout: readMs }).catch(() => ''))), {
    timeoutMs,
    what: `text ${pattern}`,
  }).catch((e: Error) => {
    throw new Error(`${e.message}; the text was: ${JSON.stringify(last.slice(0, 600))}`);
  });
}
