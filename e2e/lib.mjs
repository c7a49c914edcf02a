// Helpers for Khiên Mạng's browser tests: Playwright (playwright-core, which
// downloads no browser) driving Debian's Chromium, plus axe-core checks.
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

export const BASE_URL = (process.env.BASE_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
export const ARTIFACTS = process.env.KHIENMANG_E2E_ARTIFACTS ?? path.join(here, 'artifacts');
export const CHROMIUM = process.env.KHIENMANG_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

// The machine's network is closed: without the background-networking flags
// Chromium keeps trying to reach Google's hosts and can hang.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser() {
  return chromium.launch({
    headless: true,
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

// Problems seen on a page (uncaught errors, CSP violations, server errors,
// missing assets), checked by expectNoPageProblems().
const problems = new WeakMap();

function record(page, what) {
  problems.get(page)?.push(what);
}

// A new page in its own context (own cookies) with the given viewport.
export async function newPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({
    viewport,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    // CSP stays enforced: the tests must see what a user's browser sees.
    bypassCSP: false,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(30_000);
  problems.set(page, []);
  page.on('pageerror', (err) => record(page, `uncaught error in page: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) {
      record(page, `CSP violation: ${msg.text()}`);
    }
  });
  page.on('response', (res) => {
    const url = res.url();
    if (!url.startsWith(BASE_URL)) return;
    const status = res.status();
    if (status >= 500) {
      record(page, `server error ${status} for ${res.request().method()} ${url}`);
    } else if (status === 404 && !url.endsWith('/favicon.ico')
      && ['script', 'stylesheet', 'image', 'font'].includes(res.request().resourceType())) {
      record(page, `missing ${res.request().resourceType()} (404): ${url}`);
    }
  });
  page.on('requestfailed', (req) => {
    // ERR_ABORTED is the browser cancelling a load because the test moved on
    // to the next page; it says nothing about the app.
    if (req.url().startsWith(BASE_URL) && req.failure()?.errorText !== 'net::ERR_ABORTED') {
      record(page, `request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText}`);
    }
  });
  return page;
}

export function expectNoPageProblems(page, label) {
  const seen = problems.get(page) ?? [];
  if (seen.length > 0) {
    const list = seen.map((p) => `  - ${p}`).join('\n');
    seen.length = 0;
    throw new Error(`${label}: problems on the page:\n${list}`);
  }
}

export function url(pathname) {
  return BASE_URL + pathname;
}

export async function goto(page, pathname) {
  const res = await page.goto(url(pathname), { waitUntil: 'load' });
  assert(res !== null, `no response for ${pathname}`);
  assert(res.status() < 400, `GET ${pathname} answered ${res.status()}`);
  return res;
}

// Log in through the form at /login (input[name=username],
// input[name=password], a submit button) and wait to leave /login.
export async function login(page, user, pass) {
  if (new URL(page.url(), BASE_URL).pathname !== '/login') {
    await goto(page, '/login');
  }
  await page.locator('input[name=username]').fill(user);
  await page.locator('input[name=password]').fill(pass);
  const submit = page.locator('form:has(input[name=password]) [type=submit]').first();
  try {
    await Promise.all([
      page.waitForURL((u) => u.pathname !== '/login', { timeout: 30_000 }),
      submit.click(),
    ]);
  } catch (err) {
    const text = await page.locator('main, body').first().innerText().catch(() => '');
    throw new AssertionError(`logging in as ${user} failed: still on ${page.url()}\n  page text: ${text.replace(/\s+/g, ' ').slice(0, 500)}\n  (${err.message.split('\n')[0]})`);
  }
}

let axeSource;

// Run axe-core on the current page; fail on any "serious" or "critical"
// violation. The app's CSP forbids inline scripts, so addScriptTag() is
// blocked; page.evaluate() goes through the DevTools protocol, which CSP
// does not restrict.
export async function checkAxe(page, label) {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(axeSource);
  }
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.slice(0, 5).map((n) => ({
        target: n.target.join(' '),
        html: n.html.slice(0, 200),
        summary: n.failureSummary,
      })),
      count: v.nodes.length,
    }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = violations.filter((v) => !bad.includes(v));
  if (minor.length > 0) {
    console.log(`    axe (${label}): ${minor.length} minor/moderate: ${minor.map((v) => `${v.id} (${v.impact}, ${v.count})`).join(', ')}`);
  }
  if (bad.length > 0) {
    const text = bad.map((v) => [
      `  [${v.impact}] ${v.id}: ${v.help} (${v.count} element(s)) ${v.helpUrl}`,
      ...v.nodes.map((n) => `      ${n.target}\n        ${n.html}\n        ${(n.summary ?? '').replace(/\n/g, '\n        ')}`),
    ].join('\n')).join('\n');
    throw new Error(`axe (${label}): ${bad.length} serious/critical violation(s):\n${text}`);
  }
  console.log(`    axe (${label}): no serious or critical violation`);
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`    screenshot: ${path.relative(process.cwd(), file)}`);
  return file;
}

export class AssertionError extends Error {
  name = 'AssertionError';
}

// Wait for a locator to be visible; on time-out, fail with a readable message
// and (if given) the HTML of a surrounding element, to see what was there.
export async function waitVisible(locator, what, { timeout = 15_000, context } = {}) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (err) {
    let seen = '';
    if (context) {
      const html = await context.first().evaluate((el) => el.outerHTML).catch(() => '(not on the page)');
      seen = `\n  what was there: ${html.replace(/\s+/g, ' ').slice(0, 1500)}`;
    }
    throw new AssertionError(`${what}: not visible after ${timeout / 1000} s${seen}\n  (${err.message.split('\n')[0]})`);
  }
}

export function assert(condition, message) {
  if (!condition) throw new AssertionError(message);
}

export function assertEqual(actual, expected, message) {
  if (actual !== expected) {
    throw new AssertionError(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

// A tiny sequential runner: the steps of a flow depend on each other, so the
// first failure stops the flow and the remaining steps are reported as
// skipped. Ends with a "N passed, N failed, N skipped" line and exit code.
export async function runSteps(title, steps, { timeoutMs = 600_000, onFailure, against = BASE_URL } = {}) {
  const timer = setTimeout(() => {
    console.error(`\n${title}: timed out after ${timeoutMs / 1000} s`);
    process.exit(1);
  }, timeoutMs);
  console.log(`${title} against ${against}`);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const [name, fn] of steps) {
    if (failed > 0) {
      skipped += 1;
      console.log(`  SKIP ${name} (an earlier step failed)`);
      continue;
    }
    const started = Date.now();
    console.log(`  RUN  ${name}`);
    try {
      await fn();
      passed += 1;
      console.log(`  ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (err) {
      failed += 1;
      console.log(`  FAIL ${name}\n${String(err?.stack ?? err).replace(/^/gm, '    ')}`);
      if (onFailure) {
        try {
          await onFailure(name);
        } catch (e) {
          console.log(`    (could not save failure artifacts: ${e.message})`);
        }
      }
    }
  }
  clearTimeout(timer);
  console.log(`e2e: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return failed === 0 && passed > 0;
}

export function slug(text) {
  return text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
