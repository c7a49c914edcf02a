// The interim and final reviews of the demo province, downloaded as the
// secretariat does and checked as a reader would: python-docx reads every
// part of the Decree 30/2020 layout (motto, issuing body, number, place and
// date, parts I–III, the annex, recipients and signer) and adds up every
// table closed by "Tổng cộng"; LibreOffice converts both to PDF; the first
// page of each is rendered to PNG in e2e/artifacts/ to be looked at. A
// commune's officer gets the commune's own review. Missing soffice or
// pdftoppm fails the test with the reason, never skips it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, DESKTOP, assert, assertEqual, launchBrowser, login, newPage, runSteps, url } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env.KHIENMANG_E2E_PYTHON ?? 'python3';
const dir = path.join(ARTIFACTS, 'reviews');
const browser = await launchBrowser();
let province;

function need(tool, hint) {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  assert(found.status === 0, `${tool} is missing: ${hint}`);
}

async function download(page, path_, file) {
  const res = await page.request.get(url(path_));
  assertEqual(res.status(), 200, `GET ${path_}`);
  const out = path.join(dir, file);
  writeFileSync(out, await res.body());
  return out;
}

// python-docx, then LibreOffice, then the first page as PNG.
function checkReview(docx, name) {
  const read = spawnSync(PYTHON, [path.join(here, 'review_check.py'), '--full', docx], { encoding: 'utf8' });
  assert(read.status === 0, `python-docx: ${name} fails its checks:\n${read.stderr}\n${read.stdout}`);
  const pdf = spawnSync('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', dir, docx], {
    encoding: 'utf8', timeout: 180_000, env: { ...process.env, HOME: dir },
  });
  const pdfPath = docx.replace(/\.docx$/, '.pdf');
  assert(pdf.status === 0 && existsSync(pdfPath), `LibreOffice could not convert ${name} to PDF:\n${pdf.stderr}`);
  const png = spawnSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdfPath,
    path.join(ARTIFACTS, `review-${name}-page1`)], { encoding: 'utf8' });
  assert(png.status === 0, `pdftoppm could not render ${name}'s first page:\n${png.stderr}`);
  console.log(`    ${name}: ${read.stdout.trim().split('\n').length} checks held; PDF and page 1 written`);
}

const steps = [
  ['the tools are there', async () => {
    need('soffice', 'install LibreOffice (libreoffice-writer-nogui) to convert the reviews to PDF');
    need('pdftoppm', 'install poppler-utils to render the first pages');
    mkdirSync(dir, { recursive: true });
  }],
  ['the province\'s interim and final reviews hold the decree\'s layout and add up', async () => {
    province = await newPage(browser, DESKTOP);
    await login(province, 'tinh', 'demo');
    for (const kind of ['interim', 'final']) {
      checkReview(await download(province, `/reviews/${kind}.docx`, `${kind}.docx`), kind);
    }
  }],
  ['a commune\'s officer gets the commune\'s own review', async () => {
    const officer = await newPage(browser, DESKTOP);
    await login(officer, 'xa-07210', 'demo');
    checkReview(await download(officer, '/reviews/interim.docx', 'commune-interim.docx'), 'commune-interim');
    await officer.close();
  }],
];

// ---- one commune's figures, wherever they are shown ---------------------------

const YEAR = Math.min(Math.max(new Date().getFullYear(), 2024), 2027); // the interim review's year
const count = (text) => Number(String(text).replace(/\./g, ''));
const percentOf = (text) => Number(String(text).replace('%', '').replace(',', '.'));

function readFigures(kind, file) {
  const out = spawnSync(PYTHON, [path.join(here, 'fixtures', 'read_figures.py'), kind, file], { encoding: 'utf8' });
  assert(out.status === 0, `read_figures.py ${kind} ${path.basename(file)} failed:\n${out.stderr}`);
  return JSON.parse(out.stdout);
}

/// A dashboard's targets table: {code: {n, d, value}} as the page shows them.
async function dashboardOf(page, unit) {
  await page.goto(url(`/targets?unit=${unit}&year=${YEAR}`));
  const figures = {};
  for (const row of await page.locator('#targets-table tbody tr').all()) {
    const [n, d] = (await row.locator('td').nth(1).innerText()).trim().split('/');
    const value = (await row.locator('td').nth(2).innerText()).trim();
    figures[await row.getAttribute('data-target')] = { n: count(n), d: count(d), value };
  }
  return figures;
}

steps.push(['one commune\'s figures agree on its dashboard, its export, its own review and the province\'s annex', async () => {
  const res = await province.request.get(url('/api/v1/org/units?code=07210'));
  assertEqual(res.status(), 200, 'looking up commune 07210');
  const commune = (await res.json()).find((u) => u.level === 'commune' && u.valid_to === null);
  assert(commune, 'today\'s commune 07210');

  const dash = await dashboardOf(province, commune.id);
  assert(Object.keys(dash).length >= 9, `the commune's dashboard shows the targets: ${JSON.stringify(dash)}`);
  const [download_] = await Promise.all([province.waitForEvent('download'), province.locator('#export-xlsx').click()]);
  const exportPath = path.join(dir, 'commune-export.xlsx');
  await download_.saveAs(exportPath);
  const exported = readFigures('targets', exportPath);
  const own = readFigures('review', await download(province, `/reviews/interim.docx?unit=${commune.id}`, 'commune-own.docx'));
  const annex = readFigures('annex', await download(province, '/reviews/interim.xlsx', 'province-annex.xlsx'));

  for (const [code, { n, d }] of Object.entries(dash)) {
    assertEqual(JSON.stringify(exported[code]), JSON.stringify([n, d]), `${code}: the export's counts are the dashboard's`);
    const result = own.targets[code];
    assert(result !== undefined, `${code}: in the commune's own review`);
    if (code !== '2.9' && d > 0) {
      // "12/34 (35,3%)": the same counts, and the same percent as the dashboard.
      const m = result.match(/^([\d.]+)\/([\d.]+)/);
      assert(m && count(m[1]) === n && count(m[2]) === d, `${code}: the review says ${result}, the dashboard ${n}/${d}`);
      assert(result.includes(dash[code].value), `${code}: the review's ${result} holds the dashboard's ${dash[code].value}`);
    }
  }
  // The annex row of the commune is the province dashboard's row for it.
  const provinceDash = await province.goto(url(`/targets?year=${YEAR}`));
  assert(provinceDash.ok(), 'the province dashboard');
  const codes = await province.locator('#children-table thead th').allInnerTexts();
  const row = province.locator('#children-table tbody tr').filter({ has: province.locator(`a[href*="unit=${commune.id}&"]`) });
  assertEqual(await row.count(), 1, 'the commune on the province dashboard');
  const cells = await row.locator('td').allInnerTexts();
  const annexRow = annex[commune.name];
  assert(annexRow, `the commune "${commune.name}" in the annex: ${Object.keys(annex).slice(0, 5).join(', ')}…`);
  codes.slice(1).forEach((code, i) => {
    const shown = cells[i].trim();
    const inAnnex = annexRow[code];
    if (inAnnex === null || inAnnex === undefined) {
      assert(!/\d/.test(shown), `${code}: no figure in the annex, the dashboard shows ${shown}`);
    } else {
      assertEqual(Math.round(inAnnex * 10), Math.round(percentOf(shown) * 10), `${code}: the annex's ${inAnnex} against the dashboard's ${shown}`);
    }
  });
  console.log(`    ${commune.name}: ${Object.keys(dash).length} targets agree on the dashboard, the export and its review; ${codes.length - 1} in the annex`);
}]);

const ok = await runSteps('reviews', steps);
await browser.close();
process.exit(ok ? 0 : 1);
