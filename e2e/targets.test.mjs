// The targets dashboards in a real browser: the province dashboard with its
// nine targets, a drill-down province → commune → village by clicking, the
// XLSX export (read back with openpyxl and, when LibreOffice is installed,
// opened by it), axe-core on each page, and the dashboard at phone width.
// Run through e2e/run, which starts the demo app.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ARTIFACTS, DESKTOP, PHONE, assert, assertEqual, checkAxe, expectNoPageProblems, goto, launchBrowser, login,
  newPage, runSteps, screenshot,
} from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env.KHIENMANG_E2E_PYTHON ?? 'python3';
const browser = await launchBrowser();
let page;
let exported;

async function heading() {
  return ((await page.locator('h1').first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

// Clicks the first drill-down link of the children table and returns its name.
async function drillDown(what) {
  const link = page.locator('#children-table a.drill').first();
  assert(await link.count() === 1, `the ${what} table has no drill-down link`);
  const name = ((await link.textContent()) ?? '').trim();
  await Promise.all([page.waitForURL((u) => u.pathname === '/targets' && u.search.includes('unit=')), link.click()]);
  await page.waitForLoadState('load');
  assert((await heading()).startsWith(name), `h1 after clicking "${name}": ${await heading()}`);
  return name;
}

async function expectNineTargets(label) {
  const rows = page.locator('#targets-table tbody tr');
  assertEqual(await rows.count(), 12, `rows of #targets-table on ${label} (2.1–2.9 and 2.9a–c)`);
  for (const code of ['2.1', '2.2', '2.3', '2.4', '2.5', '2.6', '2.7', '2.8', '2.9']) {
    assertEqual(await page.locator(`#targets-table tr[data-target="${code}"]`).count(), 1, `row ${code} on ${label}`);
  }
  assert(await page.locator('#targets-table .status').count() === 12, `a status badge on every row of ${label}`);
}

const steps = [
  ['the province dashboard shows the nine targets, a trend, a ranking and a map', async () => {
    page = await newPage(browser, DESKTOP);
    await login(page, 'tinh', 'demo');
    const nav = page.locator('nav a[href="/targets"]');
    assert(await nav.count() === 1, 'the main navigation has no link to /targets');
    await Promise.all([page.waitForURL((u) => u.pathname === '/targets'), nav.click()]);
    await expectNineTargets('the province');
    assert((await heading()).includes('Bắc Ninh'), `the dashboard opens on the province: ${await heading()}`);
    // Uneven progress: the communes do not all share one status.
    const statuses = new Set(await page.locator('#children-table td[class^="num cell-"]').evaluateAll(
      (cells) => cells.map((c) => c.className)));
    assert(statuses.size >= 2, `the communes' cells all have one status: ${[...statuses]}`);
    assert(await page.locator('#commune-map svg').count() === 1, 'no map of communes');
    assert(await page.locator('#commune-ranking svg').count() === 1, 'no ranking of communes');
    assert(await page.locator('figure.chart svg').count() >= 3, 'trend, map and ranking charts');
    await screenshot(page, 'targets-dashboard.png');
    await checkAxe(page, 'province dashboard');
    expectNoPageProblems(page, 'province dashboard');
  }],

  ['clicking down: province → commune → village', async () => {
    const commune = await drillDown('province');
    await expectNineTargets(commune);
    await checkAxe(page, 'commune dashboard');
    const village = await drillDown('commune');
    await expectNineTargets(village);
    const crumbs = ((await page.locator('nav.crumbs').textContent()) ?? '').replace(/\s+/g, ' ');
    assert(crumbs.includes(commune) && crumbs.includes('Bắc Ninh'), `breadcrumb of the village: ${crumbs}`);
    assertEqual(await page.locator('#children-table').count(), 0, 'a village has no units below it on the dashboard');
    await screenshot(page, 'targets-village.png');
    await checkAxe(page, 'village dashboard');
    expectNoPageProblems(page, 'village dashboard');
  }],

  ['"as it was then" and "mapped to today" both read 2024', async () => {
    await goto(page, '/targets?year=2024&mode=today');
    await expectNineTargets('2024 mapped to today');
    assert((await heading()).includes('Bắc Ninh'), `2024 mapped to today's province: ${await heading()}`);
    await goto(page, '/targets?year=2024&mode=then');
    const absent = page.locator('p.notice');
    assert(await absent.count() === 1, 'reading 2024 "then", the new province did not exist: a notice says so');
    const links = page.locator('ul.lineage a');
    assert(await links.count() >= 2, 'links to the old provinces that went into the new one');
    await Promise.all([page.waitForURL((u) => u.search.includes('unit=')), links.first().click()]);
    await expectNineTargets('an old province in 2024');
  }],

  ['the province table exports to XLSX that openpyxl and LibreOffice read', async () => {
    await goto(page, '/targets');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-xlsx').click()]);
    mkdirSync(ARTIFACTS, { recursive: true });
    exported = path.join(ARTIFACTS, 'targets-export.xlsx');
    await download.saveAs(exported);
    assert(download.suggestedFilename().endsWith('.xlsx'), `file name ${download.suggestedFilename()}`);
    const read = spawnSync(PYTHON, [path.join(here, 'fixtures', 'check_targets_xlsx.py'), exported], { encoding: 'utf8' });
    assert(read.status === 0, `openpyxl could not read the export:\n${read.stdout}\n${read.stderr}`);
    console.log(`    openpyxl: ${read.stdout.trim()}`);
    const soffice = spawnSync('soffice', ['--version'], { encoding: 'utf8' });
    assert(soffice.status === 0, 'LibreOffice (soffice) is not installed: e2e/run installs it');
    const outDir = path.join(ARTIFACTS, 'libreoffice');
    // CSV in UTF-8 (character set 76), comma-separated, quoted text.
    const converted = spawnSync('soffice', ['--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76', '--outdir', outDir, exported], {
      encoding: 'utf8', timeout: 120_000, env: { ...process.env, HOME: outDir },
    });
    assert(converted.status === 0, `LibreOffice could not open the export:\n${converted.stderr}`);
    const csv = readFileSync(path.join(outDir, 'targets-export.csv'), 'utf8');
    assert(csv.includes('Tử số') && csv.includes('2.9'), `LibreOffice's CSV of the export lacks the headers:\n${csv.slice(0, 400)}`);
    console.log('    LibreOffice: opened and converted to CSV');
  }],

  ['the registry pages are accessible: home, an initiative, people, documents', async () => {
    await goto(page, '/movement');
    await checkAxe(page, 'movement home');
    const first = page.locator('a[href^="/movement/initiatives/"]:not([href$="/new"])').first();
    assert(await first.count() === 1, 'the registry lists no initiative');
    await Promise.all([page.waitForURL((u) => /^\/movement\/initiatives\/\d+$/.test(u.pathname)), first.click()]);
    await screenshot(page, 'movement-initiative.png');
    await checkAxe(page, 'initiative');
    for (const pathname of ['/movement/people', '/movement/trainings', '/movement/voices', '/movement/documents',
      '/movement/activities', '/movement/initiatives/new']) {
      await goto(page, pathname);
      await checkAxe(page, pathname);
      expectNoPageProblems(page, pathname);
    }
  }],

  ['phone 390×844: the dashboard is accessible and scrolls only its tables', async () => {
    await page.context().close();
    page = await newPage(browser, PHONE);
    await login(page, 'tinh', 'demo');
    await goto(page, '/targets');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 1, `the dashboard is ${overflow}px wider than the phone`);
    await screenshot(page, 'targets-phone.png');
    await checkAxe(page, 'dashboard (phone)');
    expectNoPageProblems(page, 'dashboard (phone)');
  }],
];

let ok = false;
try {
  ok = await runSteps('targets dashboards', steps, {
    onFailure: async (name) => {
      if (page) await screenshot(page, `failed-targets-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
    },
  });
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
