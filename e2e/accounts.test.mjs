// Accounts from the web in a real browser: the secretariat creates a
// commune officer's account in the form (the unit picked from the searched
// list), reads the temporary password off the first-login sheet and signs
// out; the new account signs in, is made to change the password, and lands
// on the staff home. axe-core on every new page.
import {
  DESKTOP, assert, assertEqual, checkAxe, goto, launchBrowser, login, newPage, runSteps, screenshot,
} from './lib.mjs';

const COMMUNE = '07210';
const USERNAME = `xa.e2e${Date.now() % 100000}`;
const browser = await launchBrowser();
let admin;
let officer;
let temporary;

async function signOut(page) {
  await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.locator('form[action="/logout"] button').click()]);
}

const steps = [
  ['the secretariat creates a commune account in the form', async () => {
    admin = await newPage(browser, DESKTOP);
    await login(admin, 'tinh', 'demo');
    await goto(admin, '/users');
    await checkAxe(admin, 'accounts list');
    await Promise.all([admin.waitForURL((u) => u.pathname === '/users/new'), admin.locator('#new-account').click()]);
    await checkAxe(admin, 'new account form');
    const roles = await admin.locator('#acc-role option').evaluateAll((os) => os.map((o) => o.value));
    assert(roles.includes('commune_officer') && !roles.includes('system_admin'), `roles offered: ${roles}`);
    await admin.locator('#acc-username').fill(USERNAME);
    await admin.locator('#acc-display').fill('Cán bộ thử nghiệm');
    await admin.locator('#acc-role').selectOption('commune_officer');
    // The picker: search the commune's code, without script the "Tìm" button does it.
    await admin.locator('#new-unit-q').fill(COMMUNE);
    await Promise.all([admin.waitForLoadState('load'), admin.locator('button[name=find]').click()]);
    assertEqual(await admin.locator('#acc-username').inputValue(), USERNAME, 'what was typed stays after a search');
    const options = admin.locator('#new-scope option:not([value=""])');
    assert(await options.count() >= 1, 'the search found the commune');
    await admin.locator('#new-scope').selectOption(await options.first().getAttribute('value'));
    await Promise.all([admin.waitForLoadState('load'), admin.locator('#new-account-form button[type=submit]:not([name])').click()]);
    temporary = (await admin.locator('#issued-password').textContent()).trim();
    assertEqual((await admin.locator('#issued-username').textContent()).trim(), USERNAME, 'the sheet names the account');
    assert(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/.test(temporary), `temporary password shape: ${temporary}`);
    await checkAxe(admin, 'first-login sheet');
    await screenshot(admin, 'account-first-login.png');
    await signOut(admin);
  }],
  ['the new account signs in, changes the password and lands on the staff home', async () => {
    officer = await newPage(browser, DESKTOP);
    await goto(officer, '/login');
    await officer.locator('input[name=username]').fill(USERNAME);
    await officer.locator('input[name=password]').fill(temporary);
    await Promise.all([
      officer.waitForURL((u) => u.pathname === '/account/password'),
      officer.locator('form:has(input[name=password]) [type=submit]').first().click(),
    ]);
    assert(await officer.locator('#forced-notice').isVisible(), 'told the password is temporary');
    await checkAxe(officer, 'forced password change');
    // Anything else leads back here until the password is changed.
    await goto(officer, '/org');
    assertEqual(new URL(officer.url()).pathname, '/account/password', 'staff pages wait for the change');
    await officer.locator('#pw-current').fill(temporary);
    await officer.locator('#pw-new').fill('mat-khau-rieng-e2e');
    await officer.locator('#pw-confirm').fill('mat-khau-rieng-e2e');
    await Promise.all([officer.waitForURL((u) => u.pathname === '/work'), officer.locator('#password-form button[type=submit]').click()]);
    await goto(officer, '/org');
    assertEqual(new URL(officer.url()).pathname, '/org', 'the staff pages open');
    await signOut(officer);
    await login(officer, USERNAME, 'mat-khau-rieng-e2e');
    assertEqual(new URL(officer.url()).pathname, '/work', 'the new password signs in to the staff home');
  }],
  ['the secretariat sees the sign-in on the account page', async () => {
    await login(admin, 'tinh', 'demo');
    await goto(admin, `/users?q=${encodeURIComponent('can bo thu nghiem')}`);
    const link = admin.locator('#account-list a', { hasText: USERNAME });
    assertEqual(await link.count(), 1, 'found without diacritics');
    await Promise.all([admin.waitForURL((u) => /^\/users\/\d+$/.test(u.pathname)), link.click()]);
    assert(!(await admin.locator('#last-sign-in').textContent()).includes('Chưa'), 'last sign-in shown');
    await checkAxe(admin, 'account page');
  }],
];

const ok = await runSteps('accounts', steps, {
  onFailure: async () => {
    for (const [p, name] of [[admin, 'accounts-admin-failure.png'], [officer, 'accounts-officer-failure.png']]) {
      if (p) await screenshot(p, name).catch(() => {});
    }
  },
});
await browser.close();
process.exit(ok ? 0 : 1);
