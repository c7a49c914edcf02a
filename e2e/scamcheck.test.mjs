// Scam check in a real browser at phone width: a listed phone number is a
// scam with its evidence; a photo of a VietQR code (made by a third-party
// encoder) for a listed account is a scam; an official bank domain is
// official; a look-alike is suspicious and names what it imitates; the
// analyst's page shows candidates and indicators. axe-core on every page.
import {
  BASE_URL, DESKTOP, PHONE, assert, assertEqual, checkAxe, expectNoPageProblems, goto, launchBrowser, login, newPage,
  runSteps, screenshot,
} from './lib.mjs';

const QR_PNG = process.env.KHIENMANG_E2E_VIETQR_PNG;
const browser = await launchBrowser();
let citizen;

async function noSideways(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `${label} is ${overflow}px wider than the phone`);
}

async function checkText(text) {
  await goto(citizen, '/check');
  await citizen.locator('#q').fill(text);
  await Promise.all([citizen.waitForURL((u) => u.pathname === '/check' && u.search.includes('q=')),
    citizen.locator('form[role=search] button[type=submit]').click()]);
  await citizen.locator('#verdict').waitFor();
  return citizen.locator('#verdict-label').getAttribute('data-verdict');
}

const steps = [
  ['phone: a listed number is a scam, with its evidence', async () => {
    assert(QR_PNG, 'KHIENMANG_E2E_VIETQR_PNG names the QR photo (e2e/run makes it)');
    citizen = await newPage(browser, PHONE);
    await goto(citizen, '/check');
    await noSideways(citizen, 'the check page');
    await checkAxe(citizen, 'check page (phone)');
    assertEqual(await checkText('0856 123 789'), 'scam', 'verdict for the listed number');
    const reports = Number((await citizen.locator('#verdict-reports').textContent()).trim());
    assert(reports >= 2, `reports shown as evidence: ${reports}`);
    assert((await citizen.locator('#verdict-advice').textContent()).includes('OTP'), 'advice in plain Vietnamese');
    await noSideways(citizen, 'the verdict');
    await checkAxe(citizen, 'scam verdict (phone)');
    await screenshot(citizen, 'check-scam-phone.png');
    await Promise.all([citizen.waitForURL((u) => u.pathname === '/report'), citizen.locator('#verdict a.button').click()]);
    assert((await citizen.locator('#identifiers').inputValue()).replace(/\s/g, '').includes('0856123789'), '"report this" fills in the number');
    assert(await citizen.locator('#cat-fraud').isChecked(), '"report this" picks the category');
  }],
  ['phone: a photo of a listed account\'s VietQR code is a scam', async () => {
    await goto(citizen, '/check');
    await citizen.locator('#qr').setInputFiles(QR_PNG);
    await Promise.all([citizen.waitForURL((u) => u.pathname === '/check'), citizen.locator('#qr-form button[type=submit]').click()]);
    await citizen.locator('#verdict').waitFor();
    assertEqual(await citizen.locator('#verdict-label').getAttribute('data-verdict'), 'scam', 'verdict for the QR photo');
    assert((await citizen.locator('#verdict-subject').textContent()).includes('1023456789'), 'the account read from the QR');
    await checkAxe(citizen, 'QR verdict (phone)');
    await screenshot(citizen, 'check-qr-phone.png');
  }],
  ['phone: the official bank domain, then a look-alike', async () => {
    assertEqual(await checkText('https://vietcombank.com.vn'), 'official', 'verdict for the bank\'s own domain');
    await checkAxe(citizen, 'official verdict (phone)');
    assertEqual(await checkText('vietcombank-hotro.com'), 'suspicious', 'verdict for the look-alike');
    const imitates = (await citizen.locator('#verdict-imitates').textContent()).trim();
    assert(imitates.startsWith('vietcombank.com.vn'), `imitated domain named: ${imitates}`);
    await screenshot(citizen, 'check-lookalike-phone.png');
    expectNoPageProblems(citizen, 'check page');
  }],
  ['desktop: the analyst sees candidates and verified indicators', async () => {
    const analyst = await newPage(browser, DESKTOP);
    await login(analyst, 'tinh', 'demo');
    await goto(analyst, '/scamcheck');
    await checkAxe(analyst, 'scam indicators (staff)');
    const listed = await analyst.locator('#indicators').textContent();
    assert(listed.includes('0856 123 789') && !listed.includes('tel:'), 'the verified number is listed as people write it');
    const candidates = await analyst.locator('#candidates').textContent();
    assert(candidates.includes('0922 888 404'), 'the reported-only number is a candidate');
    await screenshot(analyst, 'scamcheck-staff.png');
    await analyst.context().close();
  }],
  ['desktop: the secretariat adds an official domain, a typo comes back beside its field, then voids it', async () => {
    const staff = await newPage(browser, DESKTOP);
    await login(staff, 'tinh', 'demo');
    await goto(staff, '/scamcheck');
    await Promise.all([staff.waitForURL((u) => u.pathname === '/scamcheck/official'), staff.locator('#official-link').click()]);
    assert((await staff.locator('#official').textContent()).includes('vietcombank.com.vn'), 'the starting list is shown');
    const form = staff.locator('#add-official');
    await form.locator('#add-kind').selectOption('domain');
    await form.locator('#add-value').fill('http://');
    await form.locator('#add-owner').fill('Ngân hàng Mẫu');
    await form.locator('#add-source').fill('Công văn 12/NHM');
    await Promise.all([staff.waitForLoadState('domcontentloaded'), form.locator('button[type=submit]').click()]);
    await staff.locator('#add-value-error').waitFor();
    assertEqual(await staff.locator('#add-source').inputValue(), 'Công văn 12/NHM', 'what was typed is kept');
    await checkAxe(staff, 'official list, refused entry');
    await staff.locator('#add-value').fill('nganhangmau.com.vn');
    await Promise.all([staff.waitForURL((u) => u.search.includes('done=added')), staff.locator('#add-official button[type=submit]').click()]);
    await staff.locator('#done-notice').waitFor();
    await screenshot(staff, 'official-list.png');
    // Every check answers "official" for it within the poll interval.
    let verdict = '';
    for (let i = 0; i < 40 && verdict !== 'official'; i++) {
      verdict = (await (await fetch(`${BASE_URL}/api/v1/check?q=nganhangmau.com.vn`)).json()).verdict;
      if (verdict !== 'official') await new Promise((r) => setTimeout(r, 100));
    }
    assertEqual(verdict, 'official', 'the new entry is official for the check');
    await Promise.all([staff.waitForURL((u) => /\/scamcheck\/official\/\d+$/.test(u.pathname)),
      staff.locator('#official a', { hasText: 'nganhangmau.com.vn' }).click()]);
    await checkAxe(staff, 'official entry');
    await staff.locator('#void-reason').fill('Nhập nhầm khi thử');
    await Promise.all([staff.waitForURL((u) => u.search.includes('done=voided')), staff.locator('#void-official button[type=submit]').click()]);
    assert((await staff.locator('tr.voided').first().textContent()).includes('nganhangmau.com.vn'), 'the voided entry stays, marked');
    await staff.context().close();
  }],
];

let ok = false;
try {
  ok = await runSteps('scam check', steps, {
    onFailure: async (name) => {
      if (citizen) await screenshot(citizen, `failed-scamcheck-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}.png`);
    },
  });
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
