// Values as people read them, in a real browser. The citizens' home at
// phone width (no sideways scroll, axe clean, every tile there); a report's
// receipt offers to copy and save the code and secret; then, as the
// secretariat and as a commune officer, a broad set of staff pages must show
// no ISO date or month, no internal code (tel:, BIN:account, personal_data.,
// snake_case words) and no unit type said twice ("Phường Phường"). Run
// through e2e/run, which starts the demo app.
import {
  PHONE, assert, checkAxe, expectNoPageProblems, goto, launchBrowser, login, newPage, runSteps, screenshot,
} from './lib.mjs';

const OFFICER = 'xa-07210';
const browser = await launchBrowser();

// What a page must never show in its visible text, with why.
const FORBIDDEN = [
  [/\b\d{4}-\d{2}-\d{2}\b/, 'an ISO date'],
  [/\b\d{4}-\d{2}\b(?![-\d])/, 'an ISO month'],
  [/\btel:/, 'a tel: key'],
  [/\b\d{6}:\d+/, 'a bank BIN:account key'],
  [/\bpersonal_data\./, 'an audit action code'],
  [/\b[a-z]+(?:_[a-z0-9]+)+\b/, 'a snake_case code'],
  [/\b(Phường Phường|Xã Xã|Tỉnh Tỉnh|Thị trấn Thị trấn)\b/i, 'a unit type said twice'],
];

// The visible text of the page's main content and header, where values are.
async function visibleText(page) {
  return page.evaluate(() => document.body.innerText);
}

async function expectReadableValues(page, label) {
  const text = await visibleText(page);
  const found = [];
  for (const [pattern, what] of FORBIDDEN) {
    const all = new RegExp(pattern.source, `${pattern.flags}g`);
    const seen = new Set();
    for (const m of text.matchAll(all)) {
      if (seen.has(m[0]) || seen.size >= 3) continue;
      seen.add(m[0]);
      const at = m.index;
      found.push(`${what}: «${m[0]}» in «${text.slice(Math.max(0, at - 60), at + 60).replace(/\s+/g, ' ')}»`);
    }
  }
  assert(found.length === 0, `${label} shows internal values:\n      ${found.join('\n      ')}`);
}

async function noSideways(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `${label} is ${overflow}px wider than the phone`);
}

// Opens the first link matching `selector` on `from` and returns its path.
async function firstLink(page, from, selector) {
  await goto(page, from);
  const href = await page.locator(selector).first().getAttribute('href');
  assert(href, `no link ${selector} on ${from}`);
  return href;
}

// Visits each path, checks its values, and screenshots the first few.
// Every page is visited and every finding reported together, then fails.
async function visitAll(page, who, paths) {
  const failures = [];
  for (const path of paths) {
    await goto(page, path);
    try {
      await expectReadableValues(page, `${who} ${path}`);
      console.log(`    ${who} ${path}: values read as people write them`);
    } catch (err) {
      failures.push(err.message);
    }
  }
  assert(failures.length === 0, failures.join('\n    '));
  expectNoPageProblems(page, who);
}

const steps = [
  ['phone: the citizens\' home offers every service with the staff sign-in as a small link', async () => {
    const page = await newPage(browser, PHONE);
    await goto(page, '/');
    assert(new URL(page.url()).pathname === '/', `an anonymous visitor was sent to ${page.url()}`);
    for (const [id, href] of [
      ['home-check', '/check'], ['home-report', '/report'], ['home-track', '/report/track'],
      ['home-warnings', '/warnings'], ['home-contests', '/contests'], ['home-surveys', '/surveys'],
      ['home-stats', '/report/stats'],
    ]) {
      const tile = page.locator(`#${id}`);
      assert(await tile.isVisible(), `tile ${id} is not visible`);
      assert((await tile.getAttribute('href')) === href, `tile ${id} leads to ${href}`);
      const line = (await tile.locator('span').innerText()).trim();
      assert(line.length > 10, `tile ${id} has no one-line explanation`);
    }
    assert(await page.locator('#home-staff-login[href="/login"]').isVisible(), 'no staff sign-in link');
    await noSideways(page, 'the citizens\' home');
    await checkAxe(page, 'citizens\' home (phone)');
    await expectReadableValues(page, 'the citizens\' home');
    await screenshot(page, 'values-home-phone.png');
    // The same page in English.
    await goto(page, '/lang/en');
    assert(new URL(page.url()).pathname === '/', 'the language switch left the home');
    const title = await page.locator('h1').innerText();
    assert(/scams/i.test(title), `English title: ${title}`);
    await noSideways(page, 'the citizens\' home in English');
    await screenshot(page, 'values-home-phone-en.png');
    expectNoPageProblems(page, 'citizens\' home');
  }],
  ['phone: the public pages show months and rates as people write them', async () => {
    const page = await newPage(browser, PHONE);
    for (const path of ['/report', '/check', '/warnings', '/contests', '/surveys', '/report/stats']) {
      await goto(page, path);
      await expectReadableValues(page, `public ${path}`);
      await noSideways(page, `public ${path}`);
    }
    await goto(page, '/report/stats');
    const month = await page.locator('table.data tbody tr td').first().innerText();
    assert(/^Tháng \d{1,2}\/\d{4}$/.test(month.trim()), `public statistics month: ${month}`);
    await screenshot(page, 'values-stats-phone.png');
    expectNoPageProblems(page, 'public pages');
  }],
  ['the secretariat\'s pages read as people write them', async () => {
    const page = await newPage(browser);
    await login(page, 'tinh', 'demo');
    assert(new URL(page.url()).pathname === '/work', `sign-in landed on ${page.url()}`);
    assert((await page.locator('.brand').getAttribute('href')) === '/work', 'the staff brand link is not /work');
    const report = await firstLink(page, '/reports?view=all', 'tr[id^="report-"] a');
    const unit = await firstLink(page, '/org', 'a[href^="/org/units/"]');
    const user = await firstLink(page, '/users', 'table a[href^="/users/"]');
    await visitAll(page, 'secretariat', [
      '/work', '/audit', '/reports', report, '/scamcheck', '/report/stats', unit, '/users', user,
      '/budget', '/evaluations', '/awards', '/duties', '/warnings', '/campaigns', '/outreach/contests',
    ]);
    await goto(page, '/audit');
    await screenshot(page, 'values-audit.png');
    await goto(page, report);
    await screenshot(page, 'values-report-timeline.png');
    await goto(page, '/scamcheck');
    await screenshot(page, 'values-scamcheck.png');
  }],
  ['phone: a report\'s receipt lets the reporter copy and save the code and secret', async () => {
    const page = await newPage(browser, PHONE);
    await goto(page, '/report');
    const commune = await page.locator('#commune option').allInnerTexts();
    const twice = commune.filter((t) => /^(Phường|Xã|Thị trấn) \1\b/i.test(t));
    assert(twice.length === 0, `communes with their type twice: ${twice.slice(0, 3).join(', ')}`);
    await page.locator('label[for="cat-fraud"]').click();
    await page.locator('#description').fill('Tin nhắn giả ngân hàng yêu cầu bấm đường link lạ để nhận quà, kiểm tra biên nhận.');
    await page.locator('#commune').selectOption('07210');
    await Promise.all([page.waitForURL((u) => u.pathname === '/report'), page.locator('#send-report').click()]);
    await page.locator('#receipt').waitFor();
    const code = (await page.locator('#receipt-code').innerText()).trim();
    const save = page.locator('#receipt-save');
    assert(await save.isVisible(), 'no save link on the receipt');
    const [download] = await Promise.all([page.waitForEvent('download'), save.click()]);
    const file = await download.path();
    const { readFileSync } = await import('node:fs');
    const saved = readFileSync(file, 'utf8');
    assert(saved.includes(code), `the saved receipt lacks the code ${code}: ${saved}`);
    const secret = (await page.locator('#receipt-secret').innerText()).trim();
    assert(saved.includes(secret), 'the saved receipt lacks the secret');
    assert(await page.locator('#receipt-copy').isVisible(), 'no copy button where script runs');
    assert(await page.locator('#receipt-print').isVisible(), 'no print button where script runs');
    await noSideways(page, 'the receipt');
    await checkAxe(page, 'receipt with copy and save (phone)');
    await screenshot(page, 'values-receipt-phone.png');
    expectNoPageProblems(page, 'receipt');
  }],
  ['a commune officer\'s pages read as people write them', async () => {
    const page = await newPage(browser);
    await login(page, OFFICER, 'demo');
    const report = await firstLink(page, '/reports?view=all', 'tr[id^="report-"] a');
    const unit = await firstLink(page, '/org', 'a[href^="/org/units/"]');
    await visitAll(page, 'commune officer', ['/work', '/reports', report, unit, '/movement', '/movement/people']);
    await goto(page, report);
    await screenshot(page, 'values-officer-report.png');
  }],
];

const ok = await runSteps('values as people read them', steps);
await browser.close();
process.exit(ok ? 0 : 1);
