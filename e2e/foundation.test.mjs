// The foundation flow of Khiên Mạng in a real browser: log in, search the
// organisation tree without diacritics, open a province, dry-run a villages
// import with one bad row, and check every page with axe-core, on a desktop
// and a phone-width viewport. Run through e2e/run, which starts the demo app.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ARTIFACTS, DESKTOP, PHONE, assert, assertEqual, checkAxe, expectNoPageProblems,
  goto, launchBrowser, login, newPage, runSteps, screenshot, slug, waitVisible,
} from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function villagesFixture() {
  const given = process.env.KHIENMANG_E2E_VILLAGES_XLSX;
  if (given) {
    assert(existsSync(given), `KHIENMANG_E2E_VILLAGES_XLSX points to a missing file: ${given}`);
    return given;
  }
  const outDir = path.join(ARTIFACTS, 'fixtures');
  const made = spawnSync('python3', [path.join(here, 'fixtures', 'make_villages.py'), outDir], {
    encoding: 'utf8',
  });
  assert(made.status === 0, `could not make the villages fixture (needs python3 with openpyxl):\n${made.stderr}`);
  return made.stdout.trim();
}

const browser = await launchBrowser();
let page;

const steps = [
  ['desktop: /login is accessible', async () => {
    page = await newPage(browser, DESKTOP);
    await goto(page, '/login');
    assert(await page.locator('input[name=username]').count() === 1, '/login has no input[name=username]');
    assert(await page.locator('input[name=password]').count() === 1, '/login has no input[name=password]');
    await checkAxe(page, 'login');
    expectNoPageProblems(page, 'login');
  }],

  ['log in as tinh/demo lands on /', async () => {
    await login(page, 'tinh', 'demo');
    assertEqual(new URL(page.url()).pathname, '/', 'page after logging in');
    assert(await page.locator('nav a[href="/org"]').count() > 0, 'the home page has no nav link to /org');
    await checkAxe(page, 'home');
    expectNoPageProblems(page, 'home');
  }],

  ['org search "bac ninh" finds Bắc Ninh (diacritics-insensitive, htmx)', async () => {
    await goto(page, '/org');
    const q = page.locator('input[name=q]');
    await q.click();
    await q.pressSequentially('bac ninh', { delay: 40 });
    const hits = page.locator('#search-results a.unit-link', { hasText: 'Bắc Ninh' });
    await waitVisible(hits, 'a result link "#search-results a.unit-link" containing "Bắc Ninh"', {
      context: page.locator('#search-results'),
    });
    await page.waitForLoadState('networkidle');
    assertEqual(await q.inputValue(), 'bac ninh', 'search box value');
    await screenshot(page, 'org-search.png');
    await checkAxe(page, 'org search');
    expectNoPageProblems(page, 'org search');
  }],

  ['the province page shows its history and its communes', async () => {
    // Prefer the province itself over units that merely contain the words
    // (e.g. "Xã Bắc Ninh Hòa"): the first result naming "Tỉnh Bắc Ninh".
    const province = page.locator('#search-results a.unit-link', { hasText: 'Tỉnh Bắc Ninh' });
    const link = (await province.count()) > 0
      ? province.first()
      : page.locator('#search-results a.unit-link', { hasText: 'Bắc Ninh' }).first();
    const href = await link.getAttribute('href');
    assert(href, 'the result link has no href');
    const target = new URL(href, page.url()).href;
    await Promise.all([page.waitForURL(target), link.click()]);
    const h1 = (await page.locator('h1').first().textContent()) ?? '';
    assert(h1.includes('Bắc Ninh'), `unit page h1 should contain "Bắc Ninh", got ${JSON.stringify(h1.trim())}`);
    assertEqual(await page.locator('#unit-history').count(), 1, 'number of #unit-history sections');
    const rows = await page.locator('#unit-children tbody tr:has(td)').count();
    assert(rows > 10, `#unit-children should list the province's communes (> 10 rows), has ${rows}`);
    console.log(`    ${rows} child units listed`);
    await screenshot(page, 'unit.png');
    await checkAxe(page, 'unit');
    expectNoPageProblems(page, 'unit');
  }],

  ['villages import dry run reports "Dòng 5" and imports nothing', async () => {
    const fixture = villagesFixture();
    await goto(page, '/import');
    await page.locator('select[name=kind]').selectOption('villages');
    await page.locator('input[name=file]').setInputFiles(fixture);
    await page.locator('button[name=action][value=dry_run]').click();
    const errors = page.locator('table.import-errors');
    await waitVisible(errors, 'the error table "table.import-errors" after the dry run', {
      timeout: 60_000,
      context: page.locator('main, body'),
    });
    const errorRows = errors.locator('tbody tr:has(td)');
    const texts = (await errorRows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    console.log(`    errors: ${JSON.stringify(texts)}`);
    assert(texts.some((t) => /Dòng 5(?!\d)/.test(t)), `no error row mentions "Dòng 5": ${JSON.stringify(texts)}`);
    assertEqual(texts.length, 1, 'number of error rows (only row 5 is bad)');
    const summary = page.locator('#import-summary');
    assertEqual(await summary.count(), 1, 'number of #import-summary elements');
    assertEqual(await summary.getAttribute('data-valid-rows'), '3', '#import-summary data-valid-rows');
    assertEqual(await summary.getAttribute('data-error-rows'), '1', '#import-summary data-error-rows');
    const imported = await summary.getAttribute('data-imported-rows');
    assert(imported === null || imported === '0', `a dry run must import nothing, data-imported-rows=${imported}`);
    await screenshot(page, 'import-dry-run.png');
    await checkAxe(page, 'import dry run');
    expectNoPageProblems(page, 'import dry run');
  }],

  ['phone 390×844: /login is accessible and fits the width', async () => {
    await page.context().close();
    page = await newPage(browser, PHONE);
    await goto(page, '/login');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await screenshot(page, 'login-phone.png');
    assert(overflow <= 0, `/login scrolls sideways on a phone (${overflow} px wider than the viewport)`);
    await checkAxe(page, 'login (phone)');
    expectNoPageProblems(page, 'login (phone)');
  }],
];

let ok = false;
try {
  ok = await runSteps('foundation flow', steps, {
    onFailure: async (name) => {
      if (page && !page.isClosed()) await screenshot(page, `FAILED-${slug(name)}.png`);
    },
  });
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
