// Citizens' reports in a real browser. At phone width a citizen sends an
// anonymous report with a screenshot and keeps the code and secret; a
// commune officer triages, assigns and resolves it; the citizen opens it
// with the code and secret, reads the outcome and rates it. axe-core runs
// on every page. Run through e2e/run, which starts the demo app.
import {
  DESKTOP, PHONE, assert, assertEqual, checkAxe, expectNoPageProblems, goto, launchBrowser, login, newPage,
  runSteps, screenshot,
} from './lib.mjs';

const COMMUNE = '07210';
const OFFICER = `xa-${COMMUNE}`;
const browser = await launchBrowser();
let citizen;
let officer;
let code;
let secret;

async function noSideways(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `${label} is ${overflow}px wider than the phone`);
}

async function setStatus(status, message = '') {
  await officer.locator('#st-status').selectOption(status);
  await officer.locator('#st-message').fill(message);
  await Promise.all([officer.waitForLoadState('load'), officer.locator('#status-form button[type=submit]').click()]);
  await officer.waitForURL((u) => /^\/reports\/\d+$/.test(u.pathname));
  const shown = (await officer.locator('#detail-status').textContent()).trim();
  return shown;
}

const steps = [
  ['phone: a citizen sends an anonymous report with a screenshot', async () => {
    citizen = await newPage(browser, PHONE);
    await goto(citizen, '/report');
    await noSideways(citizen, 'the report form');
    await checkAxe(citizen, 'report form (phone)');
    const shot = await citizen.screenshot();
    await citizen.locator('label[for="cat-fraud"]').click();
    await citizen.locator('#description').fill(
      'Có người gọi từ số 0856 123 789 xưng là công an, nói tôi liên quan vụ án và bắt chuyển tiền vào tài khoản MB Bank 0988776655.',
    );
    await citizen.locator('#commune').selectOption(COMMUNE);
    await citizen.locator('#identifiers').fill('0856 123 789\nMB Bank 0988776655');
    await citizen.locator('#attachments').setInputFiles({ name: 'tin-nhan.png', mimeType: 'image/png', buffer: shot });
    await citizen.locator('.report-contact summary').click();
    await citizen.locator('#contact_email').fill('nguoidan.e2e@example.vn');
    await screenshot(citizen, 'report-form-phone.png');
    await Promise.all([citizen.waitForURL((u) => u.pathname === '/report'), citizen.locator('#send-report').click()]);
    await citizen.locator('#receipt').waitFor();
    code = (await citizen.locator('#receipt-code').textContent()).trim();
    secret = (await citizen.locator('#receipt-secret').textContent()).trim();
    assert(/^PA-[0-9A-Z]{5}-[0-9A-Z]{5}$/.test(code), `tracking code ${code}`);
    assertEqual(secret.length, 26, 'secret length');
    await noSideways(citizen, 'the receipt');
    await screenshot(citizen, 'report-receipt-phone.png');
    await checkAxe(citizen, 'receipt (phone)');
    expectNoPageProblems(citizen, 'report form');
  }],

  ['the commune officer triages, assigns and resolves it', async () => {
    officer = await newPage(browser, DESKTOP);
    await login(officer, OFFICER, 'demo');
    await goto(officer, '/reports');
    await checkAxe(officer, 'reports queue');
    const link = officer.locator('#queue a', { hasText: code });
    assertEqual(await link.count(), 1, `the queue lists ${code}`);
    await Promise.all([officer.waitForURL((u) => /^\/reports\/\d+$/.test(u.pathname)), link.click()]);
    await checkAxe(officer, 'report page');
    const identifiers = await officer.locator('#detail-identifiers').textContent();
    // As people write them: the number grouped, the bank by name, no internal key.
    assert(identifiers.includes('0856 123 789') && identifiers.includes('0988776655')
      && !identifiers.includes('970422:'), `identifiers: ${identifiers}`);
    assert(await officer.locator('a[href^="/reports/attachments/"]').count() === 1, 'the screenshot is attached');
    assertEqual(await setStatus('triaged'), 'Đã phân loại', 'status after triage');
    await officer.locator('#as-assignee').fill('Trung úy Nguyễn Văn An');
    await Promise.all([officer.waitForLoadState('load'), officer.locator('#assign-form button[type=submit]').click()]);
    assertEqual((await officer.locator('#detail-status').textContent()).trim(), 'Đã giao xử lý', 'status after assigning');
    assertEqual(await setStatus('in_progress'), 'Đang xử lý', 'status in progress');
    assertEqual(
      await setStatus('resolved', 'Công an xã đã xác minh, đề nghị ngân hàng phong tỏa tài khoản và cảnh báo trên nhóm Zalo của thôn.'),
      'Đã giải quyết',
      'status after resolving',
    );
    await screenshot(officer, 'report-officer.png');
    expectNoPageProblems(officer, 'officer pages');
  }],

  ['phone: the citizen reads the outcome with code and secret, and rates it', async () => {
    await goto(citizen, '/report/track');
    await checkAxe(citizen, 'track form (phone)');
    await citizen.locator('#code').fill(code.toLowerCase());
    await citizen.locator('#secret').fill(secret);
    await Promise.all([citizen.waitForLoadState('load'), citizen.locator('#track-form button[type=submit]').click()]);
    assertEqual((await citizen.locator('#tracked-status').textContent()).trim(), 'Đã giải quyết', 'status seen by the citizen');
    const timeline = await citizen.locator('#timeline').textContent();
    assert(timeline.includes('phong tỏa tài khoản'), `the officer's message reaches the citizen: ${timeline}`);
    assert(!timeline.includes('Nguyễn Văn An'), 'the officer is not named to the citizen');
    await citizen.locator('label[for="fixed-yes"]').click();
    await citizen.locator('label[for="stars-5"]').click();
    await Promise.all([citizen.waitForLoadState('load'), citizen.locator('#rate button[type=submit]').click()]);
    assert((await citizen.locator('#track-notice').textContent()).includes('Cảm ơn'), 'the rating is thanked');
    assert(await citizen.locator('#rate').count() === 0, 'a report is rated once');
    await noSideways(citizen, 'the tracking page');
    await screenshot(citizen, 'report-outcome-phone.png');
    await checkAxe(citizen, 'outcome (phone)');
    expectNoPageProblems(citizen, 'tracking page');
  }],

  ['public statistics and the complaints page, at phone width', async () => {
    for (const pathname of ['/report/complaints', '/report/stats']) {
      await goto(citizen, pathname);
      await noSideways(citizen, pathname);
      await checkAxe(citizen, `${pathname} (phone)`);
    }
    const received = Number((await citizen.locator('#stat-received').textContent()).replace(/\./g, ''));
    assert(received >= 1, `received count ${received}`);
    await screenshot(citizen, 'report-stats-phone.png');
    // The province sees the correlations across its communes.
    const province = await newPage(browser, DESKTOP);
    await login(province, 'tinh', 'demo');
    await goto(province, '/reports/correlations');
    await checkAxe(province, 'correlations');
    const table = await province.locator('#correlations').textContent();
    assert(table.includes('0856 123 789'), 'the scam number in the demo and in this report is correlated');
    await screenshot(province, 'report-correlations.png');
    await province.context().close();
  }],
];

let ok = false;
try {
  ok = await runSteps('citizen reports', steps, {
    onFailure: async (name) => {
      for (const [who, page] of [['citizen', citizen], ['officer', officer]]) {
        if (page) await screenshot(page, `failed-reports-${who}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}.png`);
      }
    },
  });
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
