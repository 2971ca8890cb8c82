import fs from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const root = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOT_DIR = path.join(root, 'test-artifacts', 'screenshots');

/**
 * Headless Chromium from the system (no browser download): `CHROMIUM_PATH` or /usr/bin/chromium.
 * `--no-sandbox` because tests run as root in containers; the rest keeps the browser from
 * calling home during tests.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  try {
    await fs.access(executablePath);
  } catch {
    throw new Error(`No Chromium at ${executablePath}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Saves a full-page PNG to test-artifacts/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 740 };

/** A calendar day in Vietnam (UTC+7, no daylight saving), `days` from today, as yyyy-mm-dd. */
export function vnDay(days = 0): string {
  return new Date(Date.now() + 7 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

export interface SignedIn {
  page: Page;
  /** Closes the browser context and fails the test if the page had a script error. */
  close(): Promise<void>;
}

/**
 * A fresh browser context (Vietnamese locale) signed in as an officer through the sign-in page.
 * Script errors in the page fail the test at `close()`; a 401 before sign-in (GET /auth/me) and
 * `expectedFailures` are not errors.
 */
export async function signedIn(browser: Browser, baseUrl: string, who: { username: string; password: string }, opts: { viewport?: { width: number; height: number }; at?: string; expectedFailures?: RegExp; onPage?: (page: Page) => void } = {}): Promise<SignedIn> {
  const context = await browser.newContext({ viewport: opts.viewport ?? DESKTOP, locale: 'vi-VN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text()) && !(opts.expectedFailures && opts.expectedFailures.test(m.text()))) errors.push(`${m.text()} ${m.location().url}`);
  });
  opts.onPage?.(page);
  await page.goto(`${baseUrl}${opts.at ?? '/'}`);
  await page.getByLabel('Tên đăng nhập').fill(who.username);
  await page.getByLabel('Mật khẩu').fill(who.password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.getByTestId('officer').waitFor();
  return {
    page,
    async close() {
      await context.close();
      if (errors.length) throw new Error(`script errors in the page: ${errors.join('; ')}`);
    },
  };
}

export function hasNoHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
}

/** The `name` (or tag) of the element that has focus. */
export function activeName(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('name') ?? document.activeElement?.tagName ?? null);
}
