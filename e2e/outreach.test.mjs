// Outreach in a real browser: a citizen at phone width reads the warnings,
// opens one (its share page carries Open Graph tags) and answers the
// anonymous survey; the feeds pass the Atom and RSS rules; the secretariat
// sees the survey's results with small groups hidden and the campaign's
// coverage. axe-core on every page.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ARTIFACTS, DESKTOP, PHONE, assert, assertEqual, checkAxe, expectNoPageProblems, goto, launchBrowser, login,
  newPage, runSteps, screenshot, url,
} from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env.KHIENMANG_E2E_PYTHON ?? 'python3';
const browser = await launchBrowser();
let citizen;
let staff;

async function noSideways(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `${label} is ${overflow}px wider than the phone`);
}

const steps = [
  ['phone: the warnings and a warning\'s share page', async () => {
    citizen = await newPage(browser, PHONE);
    await goto(citizen, '/warnings');
    await noSideways(citizen, 'the warnings page');
    await checkAxe(citizen, 'warnings (phone)');
    const first = citizen.locator('#warnings li a').first();
    const title = (await first.textContent()).trim();
    await Promise.all([citizen.waitForURL((u) => u.pathname.startsWith('/warnings/')), first.click()]);
    assertEqual((await citizen.locator('h1').textContent()).trim(), title, 'the warning opened');
    assertEqual(await citizen.locator('meta[property="og:title"]').getAttribute('content'), title, 'og:title');
    const ogUrl = await citizen.locator('meta[property="og:url"]').getAttribute('content');
    assert(ogUrl.startsWith('http') && ogUrl.endsWith(new URL(citizen.url()).pathname), `og:url ${ogUrl}`);
    await noSideways(citizen, 'a warning');
    await checkAxe(citizen, 'warning (phone)');
    await screenshot(citizen, 'warning-phone.png');
  }],
  ['the Atom and RSS feeds follow their standards', async () => {
    const dir = path.join(ARTIFACTS, 'feeds');
    mkdirSync(dir, { recursive: true });
    for (const [file, type] of [['warnings.atom', 'application/atom+xml'], ['warnings.rss', 'application/rss+xml']]) {
      const res = await citizen.request.get(url(`/${file}`));
      assertEqual(res.status(), 200, `GET /${file}`);
      assert(res.headers()['content-type'].startsWith(type), `${file} is ${res.headers()['content-type']}`);
      writeFileSync(path.join(dir, file), await res.body());
    }
    const check = spawnSync(PYTHON, [path.join(here, 'feed_check.py'), path.join(dir, 'warnings.atom'), path.join(dir, 'warnings.rss')], { encoding: 'utf8' });
    assert(check.status === 0, `feed check failed:\n${check.stderr}`);
    console.log(`    ${check.stdout.trim()}`);
  }],
  ['phone: a citizen answers the anonymous survey', async () => {
    await goto(citizen, '/surveys');
    await checkAxe(citizen, 'surveys (phone)');
    await Promise.all([citizen.waitForURL((u) => /\/surveys\/\d+$/.test(u.pathname)), citizen.locator('#surveys a').first().click()]);
    assert(await citizen.locator('#anonymous-note').isVisible(), 'the page says what is (not) kept');
    await citizen.locator('#s-unit').selectOption({ index: 1 });
    await citizen.locator('input[name="q.q1"][value="1"]').check();
    await citizen.locator('input[name="q.q3"][value="4"]').check();
    await noSideways(citizen, 'the survey form');
    await checkAxe(citizen, 'survey form (phone)');
    await screenshot(citizen, 'survey-phone.png');
    await Promise.all([citizen.waitForURL((u) => /\/surveys\/\d+$/.test(u.pathname)), citizen.locator('#survey-form button[type=submit]').click()]);
    assert(await citizen.locator('#survey-done').isVisible(), 'thanked');
    expectNoPageProblems(citizen, 'citizen');
  }],
  ['the secretariat: survey results with small groups hidden, campaign coverage', async () => {
    staff = await newPage(browser, DESKTOP);
    await login(staff, 'tinh', 'demo');
    await goto(staff, '/surveys');
    await Promise.all([staff.waitForURL((u) => u.pathname.endsWith('/results')), staff.locator('#surveys a[href$="/results"]').first().click()]);
    const cells = await staff.locator('#results tbody td').allTextContents();
    assert(cells.some((c) => c.trim().startsWith('<')), 'some small groups are hidden');
    await checkAxe(staff, 'survey results');
    await screenshot(staff, 'survey-results.png');
    await goto(staff, '/campaigns');
    await Promise.all([staff.waitForURL((u) => /\/campaigns\/\d+$/.test(u.pathname)), staff.locator('#campaigns a').first().click()]);
    const overall = await staff.locator('#coverage-overall td').allTextContents();
    assert(Number(overall[0]) > 0 && Number(overall[1]) > 0, `targeted and shared: ${overall}`);
    assert(!overall[2].includes('—') && Number(overall[2].replace('%', '').replace(',', '.')) <= 100, `coverage ${overall[2]}`);
    await checkAxe(staff, 'campaign');
    await screenshot(staff, 'campaign.png');
  }],
];

const ok = await runSteps('outreach', steps, {
  onFailure: async () => {
    for (const [p, name] of [[citizen, 'outreach-citizen-failure.png'], [staff, 'outreach-staff-failure.png']]) {
      if (p) await screenshot(p, name).catch(() => {});
    }
  },
});
await browser.close();
process.exit(ok ? 0 : 1);
