// One flow per role, in the demo, in a real browser: each role corrects a
// typo in the records it keeps and finds the correction where it is shown
// or counted (the targets dashboard, its XLSX export read back with
// openpyxl, and the interim review DOCX read back with python-docx), voids
// one and sees the figure drop; the secretariat and the system admin each
// create a commune account, which signs in in a fresh browser, is made to
// change its temporary password, and signs in again with the new one.
// axe-core on every page a step opens.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ARTIFACTS, DESKTOP, assert, assertEqual, checkAxe, expectNoPageProblems, goto, launchBrowser, login, newPage,
  runSteps, screenshot, url,
} from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env.KHIENMANG_E2E_PYTHON ?? 'python3';
const RUN = Date.now() % 100000;
// The dashboards open on this year, and the interim review reports it.
const YEAR = Math.min(Math.max(new Date().getFullYear(), 2024), 2027);
const COMMUNE = '07210';
const DOWNLOADS = path.join(ARTIFACTS, 'roles');
const browser = await launchBrowser();

let secretariat; // the province's page: reads the review before and after each role's change
let page; // the role's own page
const ids = {};

// ---- reading the figures ------------------------------------------------------

const thousands = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
const count = (text) => Number(String(text).replace(/\./g, ''));

function readFile(kind, file) {
  const out = spawnSync(PYTHON, [path.join(here, 'fixtures', 'read_figures.py'), kind, file], { encoding: 'utf8' });
  assert(out.status === 0, `read_figures.py ${kind} ${path.basename(file)} failed:\n${out.stderr}`);
  return JSON.parse(out.stdout);
}

async function download(p, trigger, name) {
  mkdirSync(DOWNLOADS, { recursive: true });
  const [file] = await Promise.all([p.waitForEvent('download'), trigger.click()]);
  const saved = path.join(DOWNLOADS, name);
  await file.saveAs(saved);
  return saved;
}

/// The unit's dashboard for YEAR: each target's numerator and denominator
/// as the table shows them.
async function dashboard(p, unit, label) {
  await goto(p, `/targets?unit=${unit}&year=${YEAR}`);
  const figures = {};
  for (const row of await p.locator('#targets-table tbody tr').all()) {
    const [n, d] = (await row.locator('td').nth(1).innerText()).trim().split('/');
    figures[await row.getAttribute('data-target')] = [count(n), count(d)];
  }
  assert(Object.keys(figures).length >= 9, `the dashboard of ${label} shows the targets: ${JSON.stringify(figures)}`);
  return figures;
}

/// The dashboard's XLSX export (the page must be the dashboard), read back.
async function exported(p, name) {
  const file = await download(p, p.locator('#export-xlsx'), `${name}.xlsx`);
  return readFile('targets', file);
}

/// The interim review of the province, downloaded by the secretariat:
/// each target's counts as its table writes them, and all of its text.
async function review(name) {
  await goto(secretariat, '/reviews');
  const file = await download(secretariat, secretariat.locator('#review-interim-docx'), `${name}.docx`);
  const read = readFile('review', file);
  const figures = {};
  for (const [code, result] of Object.entries(read.targets)) {
    const m = result.match(/^([\d.]+)\/([\d.]+)/);
    if (m) figures[code] = [count(m[1]), count(m[2])];
  }
  return { figures, text: read.text };
}

/// `after` is `before` with the target's counts moved by (dn, dd).
function expectMoved(before, after, code, [dn, dd], where) {
  const [n0, d0] = before[code] ?? [0, 0];
  const [n1, d1] = after[code] ?? [0, 0];
  assert(n1 - n0 === dn && d1 - d0 === dd,
    `${where}: target ${code} should move by ${dn}/${dd}, went from ${n0}/${d0} to ${n1}/${d1}`);
}

/// The dashboard, its export and the review all moved by `moves` since
/// `before` ({dash, review}); returns the new figures.
async function seenEverywhere(p, unit, before, moves, label) {
  const dash = await dashboard(p, unit, label);
  const xlsx = await exported(p, `${label}-${RUN}`);
  const rev = await review(`review-${label}-${RUN}`);
  for (const [code, move] of Object.entries(moves)) {
    expectMoved(before.dash, dash, code, move, `${label}: the dashboard`);
    assertEqual(JSON.stringify(xlsx[code]), JSON.stringify(dash[code]), `${label}: the export's ${code} is the dashboard's`);
    expectMoved(before.review.figures, rev.figures, code, move, `${label}: the interim review`);
  }
  return { dash, review: rev };
}

/// A screenshot of one part of the page (the pages are long: a full-page
/// picture would be too small to read).
async function shot(p, selector, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await p.locator(selector).first().screenshot({ path: path.join(ARTIFACTS, name) });
  console.log(`    screenshot: ${name} (${selector})`);
}

async function figuresNow(p, unit, label) {
  return { dash: await dashboard(p, unit, label), review: await review(`review-${label}-before-${RUN}`) };
}

/// Sends a form by its button and waits for the page that answers (a
/// redirect's target, or the form again with the reason it was refused).
async function send(p, button, urlIs, what) {
  await Promise.all([p.waitForEvent('load'), button.click()]);
  const errors = await p.locator('.error[role=alert]').allInnerTexts();
  if (!urlIs(new URL(p.url())) || errors.length > 0) {
    throw new Error(`${what}: answered on ${p.url()}; ${errors.join(' ') || 'no error shown'}`);
  }
}

async function submit(p, form, urlIs) {
  await send(p, p.locator(`${form} button[type=submit]`).first(), urlIs, `sending ${form}`);
}

async function unitId(p, code, level) {
  const res = await p.request.get(url(`/api/v1/org/units?code=${code}`));
  assertEqual(res.status(), 200, `looking up unit ${code}`);
  const unit = (await res.json()).find((u) => u.level === level && u.valid_to === null);
  assert(unit, `today's ${level} with code ${code}`);
  return unit.id;
}

// ---- accounts -------------------------------------------------------------------

async function signOut(p) {
  await Promise.all([p.waitForURL((u) => u.pathname === '/login'), p.locator('form[action="/logout"] button').click()]);
}

/// `creator` makes a commune officer's account for 07210 in the form; the
/// account signs in in a fresh browser context, changes the temporary
/// password it is made to change, signs out and in again with the new one.
async function commune_account(creator, who) {
  const username = `xa.${who}${RUN}`;
  await goto(creator, '/work');
  await Promise.all([creator.waitForURL((u) => u.pathname === '/users'), creator.locator('nav a[href="/users"]').click()]);
  await Promise.all([creator.waitForURL((u) => u.pathname === '/users/new'), creator.locator('#new-account').click()]);
  await creator.locator('#acc-username').fill(username);
  await creator.locator('#acc-display').fill(`Cán bộ xã (${who})`);
  await creator.locator('#acc-role').selectOption('commune_officer');
  await creator.locator('#new-unit-q').fill(COMMUNE);
  await Promise.all([creator.waitForLoadState('load'), creator.locator('button[name=find]').click()]);
  const options = creator.locator('#new-scope option:not([value=""])');
  assert(await options.count() >= 1, `${who}: the unit search found commune ${COMMUNE}`);
  await creator.locator('#new-scope').selectOption(await options.first().getAttribute('value'));
  await Promise.all([creator.waitForLoadState('load'), creator.locator('#new-account-form button[type=submit]:not([name])').click()]);
  assertEqual((await creator.locator('#issued-username').textContent()).trim(), username, `${who}: the sheet names the account`);
  const temporary = (await creator.locator('#issued-password').textContent()).trim();
  await checkAxe(creator, `${who}: first-login sheet`);

  const fresh = await newPage(browser, DESKTOP);
  try {
    await goto(fresh, '/login');
    await fresh.locator('input[name=username]').fill(username);
    await fresh.locator('input[name=password]').fill(temporary);
    await Promise.all([
      fresh.waitForURL((u) => u.pathname === '/account/password'),
      fresh.locator('form:has(input[name=password]) [type=submit]').first().click(),
    ]);
    assert(await fresh.locator('#forced-notice').isVisible(), `${who}: the new account is told its password is temporary`);
    await checkAxe(fresh, `${who}: forced password change`);
    const chosen = `mat-khau-${who}-${RUN}`;
    await fresh.locator('#pw-current').fill(temporary);
    await fresh.locator('#pw-new').fill(chosen);
    await fresh.locator('#pw-confirm').fill(chosen);
    await submit(fresh, '#password-form', (u) => u.pathname === '/work');
    await signOut(fresh);
    // The temporary password no longer opens the account; the new one does.
    await goto(fresh, '/login');
    await fresh.locator('input[name=username]').fill(username);
    await fresh.locator('input[name=password]').fill(temporary);
    await Promise.all([fresh.waitForLoadState('load'), fresh.locator('form:has(input[name=password]) [type=submit]').first().click()]);
    assertEqual(new URL(fresh.url()).pathname, '/login', `${who}: the temporary password is refused once changed`);
    await login(fresh, username, chosen);
    assertEqual(new URL(fresh.url()).pathname, '/work', `${who}: the new password signs in to the staff home`);
    await checkAxe(fresh, `${who}: the new account's work overview`);
    expectNoPageProblems(fresh, `${who}: the new account`);
  } finally {
    await fresh.context().close();
  }
}

// ---- the flows --------------------------------------------------------------------

const steps = [
  ['the secretariat signs in (it reads the interim review for every role)', async () => {
    secretariat = await newPage(browser, DESKTOP);
    await login(secretariat, 'tinh', 'demo');
    ids.commune = await unitId(secretariat, COMMUNE, 'commune');
  }],

  // -- commune officer: people and village activities -------------------------
  ['commune officer: a person registered with the wrong role is corrected, and counts for 2.3, not 2.5', async () => {
    page = await newPage(browser, DESKTOP);
    await login(page, `xa-${COMMUNE}`, 'demo');
    const before = await figuresNow(page, ids.commune, 'commune');
    await goto(page, '/movement');
    await Promise.all([page.waitForURL((u) => u.pathname === '/movement/people'), page.locator('main a[href="/movement/people"]').first().click()]);
    const name = `Nguyễn Thị Thử ${RUN}`;
    await page.locator('#pe-unit').selectOption(String(ids.commune));
    await page.locator('#pe-name').fill(name);
    await page.locator('#pe-role').selectOption('legal_reporter'); // the typo: a wrong pick
    await page.locator('#pe-year').selectOption(String(YEAR));
    await submit(page, '#new-person', (u) => u.pathname === '/movement/people');
    const typo = await dashboard(page, ids.commune, 'commune');
    expectMoved(before.dash, typo, '2.5', [0, 1], 'registered as a reporter');
    await goto(page, `/movement/people?q=${encodeURIComponent(`nguyen thi thu ${RUN}`)}`);
    await Promise.all([
      page.waitForURL((u) => /^\/movement\/people\/\d+$/.test(u.pathname)),
      page.locator('main table a', { hasText: name }).first().click(),
    ]);
    ids.person = new URL(page.url()).pathname;
    await page.locator('#ed-role').selectOption('commune_key_official');
    await submit(page, '#edit-form', (u) => u.pathname === ids.person && u.searchParams.has('saved'));
    assert(await page.locator('#saved').isVisible(), 'the correction is confirmed');
    await checkAxe(page, 'person corrected');
    const after = await seenEverywhere(page, ids.commune, before, { '2.3': [0, 1], '2.5': [0, 0] }, 'commune-person');
    ids.communeFigures = after;
  }],
  ['commune officer: an activity dated a year early is corrected and counts for 2.6; voided, 2.6 drops back', async () => {
    // A village of the commune that ran no activity this year.
    const children = await (await page.request.get(url(`/api/v1/org/units/${ids.commune}/children`))).json();
    let village;
    for (const { id } of children.filter((u) => u.level === 'village')) {
      const t = await (await page.request.get(url(`/api/v1/targets?unit=${id}&year=${YEAR}`))).json();
      if (t.targets.find((x) => x.target === '2.6')?.numerator === 0) { village = id; break; }
    }
    assert(village, 'a village of the commune without an activity this year');
    const before = ids.communeFigures;
    const title = `Tuyên truyền chống lừa đảo ${RUN}`;
    await goto(page, '/movement');
    await Promise.all([page.waitForURL((u) => u.pathname === '/movement/activities'), page.locator('main a[href="/movement/activities"]').first().click()]);
    await page.locator('#ac-village').selectOption(String(village));
    await page.locator('#ac-on').fill(`${YEAR - 1}-11-20`); // the typo: last year
    await page.locator('#ac-title').fill(title);
    await page.locator('#ac-people').fill('45');
    await submit(page, '#village-activities form', (u) => u.pathname === '/movement/activities' && u.hash === '#village-activities');
    expectMoved(before.dash, await dashboard(page, ids.commune, 'commune'), '2.6', [0, 0], 'dated last year');
    await goto(page, '/movement/activities');
    await Promise.all([
      page.waitForURL((u) => /^\/movement\/activities\/\d+\/edit$/.test(u.pathname)),
      page.locator('#activity-list tr', { hasText: title }).getByRole('link').click(),
    ]);
    const edit = new URL(page.url()).pathname;
    assertEqual(await page.locator('#rf-held_on').inputValue(), `${YEAR - 1}-11-20`, 'the form holds the date');
    await page.locator('#rf-held_on').fill(`${YEAR}-11-20`);
    await submit(page, '#edit-form', (u) => u.pathname === edit && u.searchParams.has('saved'));
    const history = await page.locator('#change-list').innerText();
    assert(history.includes(`${YEAR - 1}`) && history.includes(`${YEAR}`), `the history shows old and new dates: ${history}`);
    await checkAxe(page, 'activity corrected');
    const corrected = await seenEverywhere(page, ids.commune, before, { '2.6': [1, 0] }, 'commune-activity');
    await goto(page, edit);
    await page.locator('#vo-reason').fill('Nhập nhầm thôn');
    await submit(page, '#void-form', (u) => u.pathname === '/movement/activities' && u.searchParams.has('voided'));
    assert(await page.locator('#voided-done').isVisible(), 'the void is confirmed');
    await shot(page, '#voided-done', 'roles-commune-activity-voided.png');
    await seenEverywhere(page, ids.commune, corrected, { '2.6': [-1, 0] }, 'commune-activity-voided');
    await shot(page, '#targets-table', 'roles-commune-dashboard.png');
    expectNoPageProblems(page, 'commune officer');
    await page.context().close();
  }],

  // -- unit officer (an agency): its plan ---------------------------------------
  ['unit officer: the agency\'s plan voided drops 2.2; entered again as a resolution by a wrong pick and corrected, 2.2 is back', async () => {
    page = await newPage(browser, DESKTOP);
    await login(page, 'donvi', 'demo');
    await goto(page, '/movement');
    await Promise.all([page.waitForURL((u) => u.pathname === '/movement/documents'), page.locator('main a[href="/movement/documents"]').first().click()]);
    // The officer's own unit: the only unit its forms offer.
    const units = page.locator('#dc-unit option:not([value=""])');
    assertEqual(await units.count(), 1, 'a unit officer writes for its agency only');
    const agency = await units.first().getAttribute('value');
    const before = await figuresNow(page, agency, 'agency');
    assertEqual(JSON.stringify(before.dash['2.2']), '[1,1]', 'the demo gives the agency a plan for this year');
    // The plan of this year, entered under a wrong number: voided with a reason.
    const planRow = page.locator('#document-list tbody tr', { hasText: 'Kế hoạch' }).filter({ hasText: String(YEAR) }).first();
    await goto(page, '/movement/documents');
    const wrongNumber = (await planRow.locator('td').nth(1).innerText()).trim();
    await Promise.all([page.waitForURL((u) => /^\/movement\/documents\/\d+\/edit$/.test(u.pathname)), planRow.getByRole('link').click()]);
    await page.locator('#vo-reason').fill('Sai số hiệu văn bản');
    await submit(page, '#void-form', (u) => u.pathname === '/movement/documents' && u.searchParams.has('voided'));
    assertEqual(await page.locator('#document-list tbody tr', { hasText: wrongNumber }).filter({ hasText: String(YEAR) }).count(), 0, 'the voided plan left the list');
    await checkAxe(page, 'plan voided');
    const voided = await seenEverywhere(page, agency, before, { '2.2': [-1, 0] }, 'agency-plan-voided');
    // Entered again with its right number, as a resolution by a wrong pick: no plan yet.
    const number = `KH-${RUN}/ĐTN`;
    await goto(page, '/movement/documents');
    await page.locator('#dc-unit').selectOption(agency);
    await page.locator('#dc-kind').selectOption('resolution');
    await page.locator('#dc-number').fill(number);
    await page.locator('#dc-title').fill(`Kế hoạch thực hiện phong trào năm ${YEAR}`);
    await page.locator('#dc-on').fill(`${YEAR}-02-10`);
    await page.locator('#dc-year').selectOption(String(YEAR));
    await submit(page, '#new-document', (u) => u.pathname === '/movement/documents');
    expectMoved(voided.dash, await dashboard(page, agency, 'agency'), '2.2', [0, 0], 'registered as a resolution');
    await goto(page, '/movement/documents');
    await Promise.all([
      page.waitForURL((u) => /^\/movement\/documents\/\d+\/edit$/.test(u.pathname)),
      page.locator('#document-list tbody tr', { hasText: number }).getByRole('link').click(),
    ]);
    const edit = new URL(page.url()).pathname;
    await page.locator('#rf-kind').selectOption('plan');
    await submit(page, '#edit-form', (u) => u.pathname === edit && u.searchParams.has('saved'));
    assert(await page.locator('#saved').isVisible(), 'the correction is confirmed');
    await checkAxe(page, 'plan corrected');
    await seenEverywhere(page, agency, voided, { '2.2': [1, 0] }, 'agency-plan');
    await shot(page, '#targets-table', 'roles-agency-dashboard.png');
    expectNoPageProblems(page, 'unit officer');
    await page.context().close();
  }],

  // -- initiative leader: the member counts of its initiative --------------------
  ['initiative leader: this year\'s count entered with ten times the households is voided and entered again; 2.9c follows', async () => {
    page = await newPage(browser, DESKTOP);
    await login(page, 'mohinh', 'demo');
    await goto(page, '/movement');
    // Its own initiative, marked and listed first (the commune's others are
    // only read).
    const link = page.locator('#initiative-list tr[data-yours="true"] a[href^="/movement/initiatives/"]').first();
    await Promise.all([page.waitForURL((u) => /^\/movement\/initiatives\/\d+$/.test(u.pathname)), link.click()]);
    const initiative = new URL(page.url()).pathname;
    await checkAxe(page, 'the leader\'s initiative');
    // Its members' list is a click away.
    await Promise.all([page.waitForURL((u) => u.pathname === `${initiative}/members`), page.locator('#members-link').click()]);
    await checkAxe(page, 'the initiative\'s members');
    await goto(page, initiative);
    // A village where not every household has a member yet (the households
    // of all the initiatives in a village are added up, up to its
    // households), and what this initiative counted there this year.
    const counts = Object.fromEntries(await page.locator(`#village-counts tr[data-year="${YEAR}"][data-listed="false"]`)
      .evaluateAll((rs) => rs.map((r) => [r.dataset.village, Number(r.dataset.households)])));
    let village;
    for (const value of await page.locator('#co-village option:not([value=""])').evaluateAll((os) => os.map((o) => o.value))) {
      const t = await (await page.request.get(url(`/api/v1/targets?unit=${value}&year=${YEAR}`))).json();
      const part = t.targets.find((x) => x.target === '2.9c');
      if (part && part.numerator < part.denominator) { village = value; break; }
    }
    assert(village, 'a village with households still without a member');
    const counted = counts[village] ?? 0;
    const before = await figuresNow(page, village, 'village');
    const [n0, households] = before.dash['2.9c'];
    const right = counted + 1; // one more household this year
    const enter = async (value) => {
      await goto(page, initiative);
      await page.locator('#co-village').selectOption(village);
      await page.locator('#co-year').selectOption(String(YEAR));
      await page.locator('#co-members').fill(String(value));
      await page.locator('#co-households').fill(String(value));
      await submit(page, '#villages form[action$="/counts"]', (u) => u.pathname === initiative && u.hash === '#villages');
    };
    await enter(right * 10); // the typo
    const typo = await dashboard(page, village, 'village');
    assertEqual(typo['2.9c'][0], Math.min(n0 - counted + right * 10, households), 'the typo counts on the village dashboard');
    await goto(page, initiative);
    const row = page.locator(`#village-counts tr[data-village="${village}"][data-year="${YEAR}"][data-households="${right * 10}"]`);
    await row.locator('summary').click();
    await row.locator('input[name=reason]').fill('Gõ thừa số 0');
    await send(page, row.locator('button[type=submit]'), (u) => u.hash === '#villages', 'voiding the count');
    await checkAxe(page, 'member count voided');
    // The void takes the village's count of the year out: the figure drops below where it started.
    assertEqual((await dashboard(page, village, 'village'))['2.9c'][0], n0 - counted, 'voided, the count leaves 2.9c');
    await enter(right);
    await seenEverywhere(page, village, before, { '2.9c': [1, 0] }, 'village-count');
    ids.initiative = initiative;
  }],

  ['initiative leader: an activity report with a wrong figure is voided with a reason and entered again', async () => {
    const initiative = ids.initiative;
    const report = async (posts) => {
      await goto(page, initiative);
      await page.locator('#rp-from').fill(`${YEAR}-07-01`);
      await page.locator('#rp-to').fill(`${YEAR}-09-30`);
      await page.locator('#rp-posts').fill(String(posts));
      await page.locator('#rp-reach').fill('3500');
      await page.locator('#rp-received').fill('2');
      await page.locator('#rp-note').fill(`Quý III ${RUN}`);
      await submit(page, '#reports form[action$="/reports"]', (u) => u.pathname === initiative && u.hash === '#reports');
    };
    await report(1200); // the typo: 120 posts
    const row = page.locator('#report-list tbody tr', { hasText: `Quý III ${RUN}` });
    assertEqual(await row.count(), 1, 'the report is listed');
    assert((await row.innerText()).includes('1.200'), `the typo is listed: ${await row.innerText()}`);
    await row.locator('summary').click();
    await row.locator('input[name=reason]').fill('Gõ thừa số 0');
    await checkAxe(page, 'voiding an activity report');
    await send(page, row.locator('button[type=submit]'), (u) => u.hash === '#reports', 'voiding the report');
    assertEqual(await page.locator('#report-list tbody tr', { hasText: `Quý III ${RUN}` }).count(), 0, 'the voided report left the list');
    assert((await page.locator('#change-list').innerText()).includes('Gõ thừa số 0'), 'the void and its reason are in the history');
    await report(120);
    const fixed = await page.locator('#report-list tbody tr', { hasText: `Quý III ${RUN}` }).innerText();
    assert(fixed.includes('120') && !fixed.includes('1.200'), `the report entered again: ${fixed}`);
    await shot(page, '#reports', 'roles-leader-report.png');
    expectNoPageProblems(page, 'initiative leader');
    await page.context().close();
  }],

  // -- the secretariat: budget entries, and a void in a commune --------------
  ['secretariat: a budget amount typed with three zeros too many is corrected in the export and the review', async () => {
    const summary = async () => (await (await secretariat.request.get(url('/api/v1/budget/summary'))).json()).total.allocated;
    const start = await summary();
    const note = `Phân bổ thử ${RUN}`;
    await goto(secretariat, '/work');
    await Promise.all([secretariat.waitForURL((u) => u.pathname === '/budget'), secretariat.locator('nav a[href="/budget"]').click()]);
    await secretariat.locator('#b-level').selectOption('commune');
    await secretariat.locator('#b-stage').selectOption('allocation');
    await secretariat.locator('#b-amount').fill('250.000.000.000');
    await secretariat.locator('#b-from').fill(`${YEAR}-03-01`);
    await secretariat.locator('#b-note').fill(note);
    await submit(secretariat, '#add-entry', (u) => u.pathname === '/budget' && u.searchParams.has('saved'));
    const row = secretariat.locator('#entry-list tbody tr', { hasText: note });
    await Promise.all([secretariat.waitForURL((u) => /^\/budget\/entries\/\d+\/edit$/.test(u.pathname)), row.getByRole('link').click()]);
    const edit = new URL(secretariat.url()).pathname;
    await secretariat.locator('#rf-amount').fill('250 000 000');
    await submit(secretariat, '#edit-form', (u) => u.pathname === edit && u.searchParams.has('saved'));
    await checkAxe(secretariat, 'budget entry corrected');
    const corrected = await summary();
    assertEqual(corrected - start, 250_000_000, 'the budget summary counts the corrected amount');
    await goto(secretariat, '/budget');
    const xlsx = readFile('cells', await download(secretariat, secretariat.locator('a[href^="/budget/export.xlsx"]').first(), `budget-${RUN}.xlsx`));
    assert(xlsx.includes(String(corrected)) || xlsx.includes(thousands(corrected)), `the budget export holds the corrected total ${corrected}`);
    assert(!xlsx.includes(String(start + 250_000_000_000)), 'the budget export no longer holds the typo');
    let rev = await review(`review-budget-${RUN}`);
    assert(rev.text.includes(thousands(corrected)), `the review's budget shows the corrected total ${thousands(corrected)}`);
    await goto(secretariat, edit);
    await secretariat.locator('#vo-reason').fill('Nhập thử');
    await submit(secretariat, '#void-form', (u) => u.pathname === '/budget');
    assertEqual(await summary(), start, 'voided, the amount leaves the total');
    rev = await review(`review-budget-voided-${RUN}`);
    assert(rev.text.includes(thousands(start)), `the review's budget is back to ${thousands(start)}`);
  }],
  ['secretariat: voiding the commune\'s corrected person makes 2.3 drop on the province dashboard and in the review', async () => {
    const province = await unitId(secretariat, '24', 'province');
    const before = await figuresNow(secretariat, province, 'province');
    await goto(secretariat, ids.person);
    await secretariat.locator('#vo-reason').fill('Trùng người');
    await submit(secretariat, '#void-form', (u) => u.pathname.startsWith('/movement/people'));
    await checkAxe(secretariat, 'person voided');
    await seenEverywhere(secretariat, province, before, { '2.3': [0, -1] }, 'province-person-voided');
  }],
  ['secretariat: a contest\'s settings are reached by clicking from the contests page', async () => {
    await goto(secretariat, '/work');
    await Promise.all([secretariat.waitForURL((u) => u.pathname === '/contests'), secretariat.locator('nav a[href="/contests"]').click()]);
    await Promise.all([secretariat.waitForURL((u) => u.pathname === '/outreach/contests'), secretariat.locator('#manage-contests').click()]);
    await checkAxe(secretariat, 'contests to manage');
    const contest = secretariat.locator('main a[href^="/outreach/contests/"]').first();
    await Promise.all([secretariat.waitForURL((u) => /^\/outreach\/contests\/\d+$/.test(u.pathname)), contest.click()]);
    await checkAxe(secretariat, 'a contest\'s settings');
  }],
  ['secretariat: a commune account made in the form signs in, changes its password and signs in again', async () => {
    await commune_account(secretariat, 'tinh');
    expectNoPageProblems(secretariat, 'secretariat');
  }],

  // -- the system admin ---------------------------------------------------------
  ['admin: a village\'s households typed with a zero too many are corrected; 2.9c\'s denominator follows', async () => {
    page = await newPage(browser, DESKTOP);
    await login(page, 'admin', 'demo');
    const children = await (await page.request.get(url(`/api/v1/org/units/${ids.commune}/children`))).json();
    // A village whose households with a member are fewer than its
    // households, so that the denominator alone moves.
    let village;
    for (const { id } of children.filter((u) => u.level === 'village')) {
      const t = await (await page.request.get(url(`/api/v1/targets?unit=${id}&year=${YEAR}`))).json();
      const part = t.targets.find((x) => x.target === '2.9c');
      if (part && part.denominator > 0 && part.numerator < part.denominator) { village = id; break; }
    }
    assert(village, 'a village with households without a member in an initiative');
    const before = await figuresNow(page, village, 'admin-village');
    const households = before.dash['2.9c'][1];
    assert(households > 0, 'the village has households');
    const setHouseholds = async (value) => {
      await goto(page, `/org/units/${village}`);
      await page.locator('#at-hh').fill(String(value));
      await submit(page, `form[action="/org/units/${village}/attrs"]`, (u) => u.pathname === `/org/units/${village}`);
    };
    // Two households moved in; typed with a zero too many, then corrected.
    await setHouseholds((households + 2) * 10);
    assertEqual((await dashboard(page, village, 'village'))['2.9c'][1], (households + 2) * 10, 'the typo is the denominator');
    await setHouseholds(households + 2);
    await checkAxe(page, 'the village corrected');
    await seenEverywhere(page, village, before, { '2.9c': [0, 2] }, 'admin-village');
  }],
  ['admin: a commune account made in the form signs in, changes its password and signs in again', async () => {
    await commune_account(page, 'admin');
    expectNoPageProblems(page, 'admin');
    await page.context().close();
  }],
];

const ok = await runSteps('roles', steps, {
  onFailure: async (name) => {
    const slug = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50);
    if (page && !page.isClosed()) await screenshot(page, `FAILED-roles-${slug}.png`).catch(() => {});
    if (secretariat) await screenshot(secretariat, `FAILED-roles-secretariat-${slug}.png`).catch(() => {});
  },
});
await browser.close();
process.exit(ok ? 0 : 1);
