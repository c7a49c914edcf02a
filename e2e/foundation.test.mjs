// The foundation flow of Khiên Mạng in a real browser: log in, search the
// organisation tree without diacritics, open a province, dry-run a villages
// import with one bad row, import only its valid rows and find them under
// their commune, switch the language, check that a commune officer cannot
// open another commune, and check every page with axe-core, on a desktop and
// a phone-width viewport. Run through e2e/run, which starts the demo app.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ARTIFACTS, AssertionError, DESKTOP, PHONE, assert, assertEqual, checkAxe, expectNoPageProblems,
  goto, launchBrowser, login, newPage, runSteps, screenshot, slug, url, waitVisible,
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

// The three valid rows of the fixture (rows 4, 6 and 7), all in commune 07210.
const COMMUNE_CODE = '07210';
const IMPORTED_VILLAGES = ['Tổ dân phố Ngô Quyền', 'Tổ dân phố Hoàng Văn Thụ', 'Tổ dân phố Lê Lợi'];
const BAD_VILLAGE = 'Thôn Lỗi';

// The JSON API, with a bearer token (no browser): to look up unit ids.
async function api(method, pathname, { token, body } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url(pathname), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new AssertionError(`${method} ${pathname} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

// Runs fn(token) with a fresh API session of "tinh", closed afterwards.
async function withApiSession(fn) {
  const { token } = await api('POST', '/api/v1/session', { body: { username: 'tinh', password: 'demo' } });
  assert(typeof token === 'string' && token.length > 0, 'POST /api/v1/session gave no token');
  try {
    return await fn(token);
  } finally {
    await api('DELETE', '/api/v1/session', { token }).catch(() => {});
  }
}

// Names of the units under a unit today, through the API.
async function childNames(unitId) {
  return withApiSession(async (token) => (await api('GET', `/api/v1/org/units/${unitId}/children`, { token }))
    .map((u) => u.name));
}

// Ids of the current province 24, commune 07210 and another commune of the
// province, looked up once through the API as "tinh".
let unitsCache;
async function units() {
  unitsCache ??= await withApiSession(async (token) => {
    const provinces = (await api('GET', '/api/v1/org/units?code=24', { token }))
      .filter((u) => u.level === 'province' && u.valid_to === null);
    assertEqual(provinces.length, 1, 'number of current units with code 24 and level province');
    const province = provinces[0];
    const children = await api('GET', `/api/v1/org/units/${province.id}/children`, { token });
    const communes = children.filter((u) => u.level === 'commune');
    const own = communes.find((u) => u.code === COMMUNE_CODE);
    assert(own, `commune ${COMMUNE_CODE} is not among the children of province 24`);
    const other = communes.find((u) => u.code && u.code !== COMMUNE_CODE);
    assert(other, `province 24 has no commune other than ${COMMUNE_CODE}`);
    return { province, own, other };
  });
  return unitsCache;
}

// The document must not be wider than the viewport (no sideways scrolling).
async function expectFitsWidth(label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `${label} scrolls sideways (${overflow} px wider than the viewport)`);
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
    assertEqual(new URL(page.url()).pathname, '/work', 'page after logging in');
    assert(await page.locator('nav a[href="/org"]').count() > 0, 'the home page has no nav link to /org');
    await screenshot(page, 'home.png');
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
    // The current province comes first, before units that merely contain the
    // words and before the old (2024) province of the same name.
    const { province } = await units();
    const first = page.locator('#search-results a.unit-link').first();
    const firstText = ((await first.textContent()) ?? '').trim();
    assertEqual(firstText, 'Tỉnh Bắc Ninh', 'first search result');
    const firstPath = new URL((await first.getAttribute('href')) ?? '', page.url()).pathname;
    assertEqual(firstPath, `/org/units/${province.id}`, 'first search result leads to the current province (code 24)');
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
    assert(await page.locator('#unit-children a.unit-link', { hasText: 'Phường Bắc Giang' }).count() === 1,
      'the province page does not list Phường Bắc Giang (07210)');
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
    const imported = await summary.getAttribute('data-imported');
    assert(imported === null || imported === '0', `a dry run must import nothing, data-imported=${imported}`);
    const { own } = await units();
    const written = (await childNames(own.id)).filter((n) => IMPORTED_VILLAGES.includes(n) || n === BAD_VILLAGE);
    assertEqual(written.length, 0, `villages of the fixture under ${COMMUNE_CODE} after the dry run (${written})`);
    await screenshot(page, 'import-dry-run.png');
    await checkAxe(page, 'import dry run');
    expectNoPageProblems(page, 'import dry run');
  }],

  ['"Chỉ nhập các dòng hợp lệ" imports the 3 valid rows', async () => {
    const button = page.locator('button[name=mode][value=valid]');
    assertEqual(await button.count(), 1, 'number of button[name=mode][value=valid]');
    await Promise.all([
      page.waitForURL((u) => /^\/import\/[^/]+\/commit$/.test(u.pathname), { timeout: 60_000 }),
      button.click(),
    ]);
    const summary = page.locator('#import-summary[data-imported]');
    await waitVisible(summary, '"#import-summary[data-imported]" after the import', {
      context: page.locator('main, body'),
    });
    assertEqual(await summary.getAttribute('data-imported'), '3', '#import-summary data-imported');
    assertEqual(await summary.getAttribute('data-valid-rows'), '3', '#import-summary data-valid-rows');
    assertEqual(await page.locator('button[name=mode]').count(), 0, 'import buttons left after the import');
    await screenshot(page, 'import-done.png');
    await checkAxe(page, 'import done');
    expectNoPageProblems(page, 'import done');
  }],

  [`commune ${COMMUNE_CODE} lists the imported villages`, async () => {
    await goto(page, '/org');
    const q = page.locator('input[name=q]');
    await q.click();
    await q.pressSequentially(COMMUNE_CODE, { delay: 40 });
    const hit = page.locator('#search-results a.unit-link', { hasText: 'Phường Bắc Giang' });
    await waitVisible(hit, `a search result for "${COMMUNE_CODE}" naming "Phường Bắc Giang"`, {
      context: page.locator('#search-results'),
    });
    const { own } = await units();
    const href = await hit.first().getAttribute('href');
    assertEqual(new URL(href ?? '', page.url()).pathname, `/org/units/${own.id}`, `search result for ${COMMUNE_CODE}`);
    await Promise.all([page.waitForURL((u) => u.pathname === `/org/units/${own.id}`), hit.first().click()]);
    const h1 = ((await page.locator('h1').first().textContent()) ?? '').trim();
    assertEqual(h1, 'Phường Bắc Giang', 'commune page h1');
    const children = page.locator('#unit-children tbody tr:has(td)');
    for (const name of IMPORTED_VILLAGES) {
      const n = await children.filter({ hasText: name }).count();
      assertEqual(n, 1, `rows of #unit-children naming "${name}"`);
    }
    assertEqual(await children.filter({ hasText: BAD_VILLAGE }).count(), 0,
      `rows of #unit-children naming the bad row's "${BAD_VILLAGE}"`);
    await checkAxe(page, 'commune');
    expectNoPageProblems(page, 'commune');
  }],

  ['the header link switches to English and back', async () => {
    const here = new URL(page.url()).pathname;
    const orgLink = page.locator('header nav a[href="/org"]');
    assertEqual(((await orgLink.textContent()) ?? '').trim(), 'Tổ chức, đơn vị', 'nav link to /org in Vietnamese');
    await page.locator('a.lang').click();
    await page.locator('html[lang=en]').waitFor({ state: 'attached' });
    await page.waitForLoadState('load');
    assertEqual(new URL(page.url()).pathname, here, 'page after switching the language');
    assertEqual(((await orgLink.textContent()) ?? '').trim(), 'Organisation', 'nav link to /org in English');
    assertEqual(((await page.locator('a.lang').textContent()) ?? '').trim(), 'Tiếng Việt', 'language link in English');
    await checkAxe(page, 'commune (English)');
    expectNoPageProblems(page, 'commune (English)');
    await page.locator('a.lang').click();
    await page.locator('html[lang=vi]').waitFor({ state: 'attached' });
    await page.waitForLoadState('load');
    assertEqual(((await orgLink.textContent()) ?? '').trim(), 'Tổ chức, đơn vị', 'nav link to /org back in Vietnamese');
    expectNoPageProblems(page, 'commune (back in Vietnamese)');
  }],

  [`a commune officer (xa-${COMMUNE_CODE}) gets 404 for another commune`, async () => {
    const { own, other } = await units();
    await page.context().close();
    page = await newPage(browser, DESKTOP);
    await login(page, `xa-${COMMUNE_CODE}`, 'demo');
    assertEqual(new URL(page.url()).pathname, '/work', `page after logging in as xa-${COMMUNE_CODE}`);
    // Their own commune opens...
    await goto(page, `/org/units/${own.id}`);
    assertEqual(((await page.locator('h1').first().textContent()) ?? '').trim(), 'Phường Bắc Giang', 'own commune h1');
    // ...another one of the same province does not exist for them.
    const res = await page.goto(url(`/org/units/${other.id}`), { waitUntil: 'load' });
    assert(res !== null, `no response for /org/units/${other.id}`);
    assertEqual(res.status(), 404, `status of /org/units/${other.id} (${other.name}, ${other.code}) for xa-${COMMUNE_CODE}`);
    const heading = ((await page.locator('h1').first().textContent()) ?? '').trim();
    assert(heading.includes('Không tìm thấy'), `the 404 page's h1 should say "Không tìm thấy", got ${JSON.stringify(heading)}`);
    const body = await page.locator('body').innerText();
    assert(!body.includes(other.name), `the 404 page names the other commune "${other.name}"`);
    await checkAxe(page, 'not found (out of scope)');
    expectNoPageProblems(page, 'not found (out of scope)');
  }],

  ['phone 390×844: /login is accessible and fits the width', async () => {
    await page.context().close();
    page = await newPage(browser, PHONE);
    await goto(page, '/login');
    await screenshot(page, 'login-phone.png');
    await expectFitsWidth('/login on a phone');
    await checkAxe(page, 'login (phone)');
    expectNoPageProblems(page, 'login (phone)');
  }],

  ['phone 390×844: the main pages fit the width', async () => {
    const { province } = await units();
    await login(page, 'tinh', 'demo');
    for (const [pathname, label] of [
      ['/', 'home'], ['/org', 'org'], [`/org/units/${province.id}`, 'province'], ['/import', 'import'],
      ['/audit', 'audit'], ['/users', 'users'],
    ]) {
      await goto(page, pathname);
      await expectFitsWidth(`${pathname} on a phone`);
      if (label === 'province') await screenshot(page, 'unit-phone.png');
      await checkAxe(page, `${label} (phone)`);
      expectNoPageProblems(page, `${label} (phone)`);
    }
  }],
];

let ok = false;
try {
  ok = await runSteps('foundation flow', steps, {
    timeoutMs: 300_000,
    onFailure: async (name) => {
      if (page && !page.isClosed()) await screenshot(page, `FAILED-${slug(name)}.png`);
    },
  });
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
