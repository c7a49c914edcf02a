// Onboarding many communes at once in a real browser. The secretariat
// downloads the account list template, fills it with two communes (openpyxl,
// picking the role from the template's own drop-down list), uploads it,
// reads the dry run (every row valid, nothing written yet), confirms, and
// gets the printable first-login sheet (screenshot in print media). One of
// the new accounts then signs in with its temporary password, is made to
// change it, and lands on the staff home. axe-core on every new page.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BASE_URL, DESKTOP, assert, assertEqual, checkAxe, goto, launchBrowser, login, newPage, runSteps, screenshot,
} from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env.KHIENMANG_E2E_PYTHON ?? 'python3';
const PREFIX = `onb${Date.now() % 100000}`;
const browser = await launchBrowser();
const dir = mkdtempSync(path.join(process.env.TMPDIR ?? tmpdir(), 'onboarding-'));
let admin;
let officer;
let usernames;
let first;

async function api(token, pathname) {
  const res = await fetch(`${BASE_URL}${pathname}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  assert(res.ok, `${pathname} answered ${res.status}`);
  return res.json();
}

async function token(username) {
  const res = await fetch(`${BASE_URL}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo' }),
  });
  assert(res.ok, `sign-in of ${username} answered ${res.status}`);
  return (await res.json()).token;
}

async function signOut(page) {
  await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.locator('form[action="/logout"] button').click()]);
}

const steps = [
  ['the secretariat fills the template with two communes and sees the dry run', async () => {
    const t = await token('tinh');
    const province = (await api(t, '/api/v1/org/units?code=24')).find((u) => u.level === 'province');
    const communes = (await api(t, `/api/v1/org/units/${province.id}/children?limit=1000`))
      .filter((u) => u.level === 'commune' && u.code)
      .slice(0, 2);
    assertEqual(communes.length, 2, 'two communes of the demo province');
    admin = await newPage(browser, DESKTOP);
    await login(admin, 'tinh', 'demo');
    await goto(admin, '/users');
    await Promise.all([admin.waitForURL((u) => u.pathname === '/users/onboarding'), admin.locator('#onboarding-link').click()]);
    await checkAxe(admin, 'onboarding form');
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.locator('#onboarding-template').click()]);
    const template = path.join(dir, 'mau.xlsx');
    await download.saveAs(template);
    const out = path.join(dir, 'tai-khoan.xlsx');
    const fill = spawnSync(PYTHON, [path.join(here, 'fixtures', 'fill_onboarding.py'), template, out, PREFIX, ...communes.map((c) => c.code)], { encoding: 'utf8' });
    assert(fill.status === 0, `fill_onboarding.py failed:\n${fill.stderr}`);
    usernames = JSON.parse(fill.stdout);
    await admin.locator('#onb-file').setInputFiles(out);
    await admin.locator('#onboarding-form button[type=submit]').click();
    const summary = admin.locator('#onboarding-summary');
    await summary.waitFor({ timeout: 30_000 });
    assertEqual(await summary.getAttribute('data-ready-rows'), '2', 'two accounts ready');
    assertEqual(await summary.getAttribute('data-refused-rows'), '0', 'no row refused');
    for (const u of usernames) {
      assertEqual(await admin.locator('#onboarding-rows code', { hasText: u }).count(), 1, `${u} in the dry run`);
    }
    // Nothing is written by the dry run.
    const found = await api(t, `/api/v1/users?q=${PREFIX}`);
    assertEqual(found.total, 0, 'no account before the confirmation');
    await checkAxe(admin, 'onboarding dry run');
    await screenshot(admin, 'onboarding-dry-run.png');
  }],
  ['the secretariat confirms and prints the first-login sheet', async () => {
    await Promise.all([
      admin.waitForURL((u) => u.pathname.endsWith('/commit'), { timeout: 60_000 }),
      admin.locator('#onboarding-confirm button[type=submit]').click(),
    ]);
    await admin.locator('#sheet-once').waitFor();
    assert(await admin.locator('#sheet-once').isVisible(), 'told the passwords are shown once');
    const blocks = admin.locator('#onboarding-sheet .sheet-block');
    assertEqual(await blocks.count(), 2, 'one block per account');
    const block = admin.locator(`#onboarding-sheet .sheet-block[data-username="${usernames[0]}"]`);
    first = (await block.locator('.sheet-password').textContent()).trim();
    assert(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/.test(first), `temporary password shape: ${first}`);
    await checkAxe(admin, 'onboarding sheet');
    await admin.emulateMedia({ media: 'print' });
    assert(!(await admin.locator('#print-sheet').isVisible()), 'the print button is not printed');
    await screenshot(admin, 'onboarding-sheet-print.png');
    await admin.emulateMedia({ media: 'screen' });
    const t = await token('tinh');
    const found = await api(t, `/api/v1/users?q=${PREFIX}`);
    assertEqual(found.total, 2, 'both accounts created');
    assert(found.users.every((u) => u.must_change_password), 'each must change its password');
    await signOut(admin);
  }],
  ['a new account signs in, changes its password and lands on the staff home', async () => {
    officer = await newPage(browser, DESKTOP);
    await goto(officer, '/login');
    await officer.locator('input[name=username]').fill(usernames[0]);
    await officer.locator('input[name=password]').fill(first);
    await Promise.all([
      officer.waitForURL((u) => u.pathname === '/account/password'),
      officer.locator('form:has(input[name=password]) [type=submit]').first().click(),
    ]);
    assert(await officer.locator('#forced-notice').isVisible(), 'told the password is temporary');
    await officer.locator('#pw-current').fill(first);
    await officer.locator('#pw-new').fill('mat-khau-rieng-onb');
    await officer.locator('#pw-confirm').fill('mat-khau-rieng-onb');
    await Promise.all([officer.waitForURL((u) => u.pathname === '/work'), officer.locator('#password-form button[type=submit]').click()]);
    await checkAxe(officer, 'work overview of a new account');
    await signOut(officer);
    await login(officer, usernames[0], 'mat-khau-rieng-onb');
    assertEqual(new URL(officer.url()).pathname, '/work', 'the new password signs in');
  }],
];

const ok = await runSteps('onboarding', steps, {
  onFailure: async () => {
    for (const [p, name] of [[admin, 'onboarding-admin-failure.png'], [officer, 'onboarding-officer-failure.png']]) {
      if (p) await screenshot(p, name).catch(() => {});
    }
  },
});
await browser.close();
process.exit(ok ? 0 : 1);
