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

const ok = await runSteps('reviews', steps);
await browser.close();
process.exit(ok ? 0 : 1);
