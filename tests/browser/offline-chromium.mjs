// Debian's headless chromium started the way this machine needs (no sandbox as root, no background networking: the
// closed network refuses those connections), in a fresh profile, and allowed no network at all: every page these
// checks open is one self-contained file. Console errors, page errors, any request leaving file:/data: and a check
// that throws are all recorded in `problems`; the browser and its profile are gone afterwards.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function withOfflinePage(problems, viewport, check) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'anecompat-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true,
      ...(viewport ? { viewport } : {}),
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] ?? await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      problems.push(`network request: ${url}`);
      return route.abort();
    });
    await check(page);
  } catch (e) {
    problems.push(`failure: ${e.stack || e.message}`);
  } finally {
    if (context) await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
