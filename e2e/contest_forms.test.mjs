// A contest set up entirely through forms, then taken (issue 18): the
// secretariat creates it on the organisers' page (time limit in minutes),
// picks the participating unit from a search typed without diacritics,
// types two questions in the page (one box per choice, the right one
// ticked), corrects one, opens it; a citizen at phone width enters with a
// mobile number and the demo's one-time code, answers both questions and
// sees the result. No id, code or JSON is typed anywhere; axe-core on each
// page and no sideways scroll on the phone.
import {
  DESKTOP, PHONE, assert, assertEqual, checkAxe, expectNoPageProblems, goto, launchBrowser, login,
  newPage, runSteps, screenshot,
} from './lib.mjs';

const browser = await launchBrowser();
const run = Math.random().toString(36).slice(2, 7);
const title = `Cuộc thi thử biểu mẫu ${run}`;
const questions = [
  { text: `Có người gọi xin mã OTP (${run}), bạn làm gì?`, choices: ['Đọc mã cho họ', 'Từ chối và báo công an', 'Gửi qua Zalo'], right: 1 },
  { text: `Tin nhắn báo trúng thưởng kèm đường link (${run}), bạn làm gì?`, choices: ['Bấm vào link', 'Không bấm, xóa tin nhắn'], right: 1 },
];
let staff;
let citizen;
let contestPath;

async function noSideways(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `${label} is ${overflow}px wider than the phone`);
}

// Clicks a submit button and waits for the page the form leads to (the
// address may stay the same: a form posts back to its own page).
async function submitAndWait(page, button, path) {
  await Promise.all([page.waitForEvent('framenavigated'), page.locator(button).click()]);
  await page.waitForLoadState('load');
  const at = new URL(page.url());
  assert(path(at), `after ${button}: unexpected page ${at.pathname}`);
}

const steps = [
  ['desktop: the secretariat creates a contest from the form (time limit in minutes)', async () => {
    staff = await newPage(browser, DESKTOP);
    await login(staff, 'tinh', 'demo');
    await goto(staff, '/outreach/contests');
    await checkAxe(staff, 'contests (organisers)');
    await staff.locator('#c-title').fill(title);
    await staff.locator('#c-desc').fill('Cuộc thi tạo hoàn toàn bằng biểu mẫu.');
    await staff.locator('#c-count').fill('2');
    await staff.locator('#c-limit').fill('5');
    await staff.locator('#c-attempts').fill('1');
    await staff.locator('#c-period').selectOption('contest');
    await staff.locator('#create-form input[name=use_shared_bank]').uncheck();
    await submitAndWait(staff, '#create-contest', (u) => /^\/outreach\/contests\/\d+$/.test(u.pathname));
    contestPath = new URL(staff.url()).pathname;
    assert(await staff.locator('#saved').count() === 1, 'the save is confirmed');
    assert(/5 phút/.test(await staff.locator('#summary').innerText()), 'the limit reads 5 minutes');
    assert(await staff.locator('#settings-open').count() === 1, 'the page says what may change before it opens');
    await checkAxe(staff, 'a new contest (organisers)');
  }],
  ['desktop: the participating unit is picked from a search without diacritics', async () => {
    await staff.locator('#u-q').fill('bac giang');
    await submitAndWait(staff, '#unit-find', (u) => u.pathname.endsWith('/units'));
    const pick = staff.locator('#unit-picks .unit-pick', { hasText: 'Phường Bắc Giang' }).first();
    await pick.waitFor();
    await pick.locator('input[type=checkbox]').check();
    await pick.locator('input[type=number]').fill('500');
    await checkAxe(staff, 'unit picker');
    await submitAndWait(staff, '#save-units', (u) => u.pathname === contestPath);
    const units = await staff.locator('#units').innerText();
    assert(units.includes('Phường Bắc Giang'), `the unit is saved: ${units}`);
  }],
  ['desktop: two questions typed in the page, one corrected, then the contest opens', async () => {
    for (const q of questions) {
      await staff.locator('#q-cat').fill('Phòng, chống lừa đảo');
      await staff.locator('#q-text').fill(q.text);
      for (let i = 0; i < q.choices.length; i += 1) await staff.locator(`#q-choice-${i}`).fill(q.choices[i]);
      await staff.locator(`#q-right-${q.right}`).check();
      await submitAndWait(staff, '#add-question', (u) => u.pathname === contestPath);
    }
    const bank = staff.locator('article.contest-bank-question');
    assertEqual(await bank.count(), 2, 'two questions in the bank');
    // Correct the first question's right answer text.
    const first = bank.first();
    await first.locator('summary').click();
    const fixed = 'Từ chối, gác máy và báo công an';
    await first.locator('input[name=choice1]').fill(fixed);
    await Promise.all([staff.waitForEvent('framenavigated'), first.locator('form[id^=question-edit] button[type=submit]').click()]);
    await staff.waitForLoadState('load');
    questions[0].choices[1] = fixed;
    assert((await staff.locator('#bank').innerText()).includes(fixed), 'the corrected choice is in the bank');
    assert((await staff.locator('#change-list').innerText()).includes(fixed), 'the history shows the correction');
    await checkAxe(staff, 'contest with its questions');
    await submitAndWait(staff, '#open-now', (u) => u.pathname === contestPath);
    assert(await staff.locator('#settings-locked').count() === 1, 'once open, the page says what is locked');
    await screenshot(staff, 'contest-forms-admin.png');
    expectNoPageProblems(staff, 'organisers\' pages');
  }],
  ['phone: a citizen takes the contest to the result page', async () => {
    const id = contestPath.split('/').pop();
    citizen = await newPage(browser, PHONE);
    await goto(citizen, '/contests');
    assert((await citizen.locator('main').innerText()).includes(title), 'listed for citizens');
    await goto(citizen, `/contests/${id}`);
    await noSideways(citizen, 'the contest page');
    await checkAxe(citizen, 'contest page (phone)');
    await citizen.locator('#phone').fill(`093${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`);
    await submitAndWait(citizen, '#phone-form button[type=submit]', (u) => u.pathname.endsWith('/code'));
    const code = (await citizen.locator('#demo-code').textContent()).trim();
    assert(/^\d{6}$/.test(code), `a six-digit code: ${code}`);
    await citizen.locator('#code').fill(code);
    await citizen.locator('#name').fill(`Chị Biểu Mẫu ${run}`);
    const options = await citizen.locator('#unit option').allTextContents();
    assert(options.some((o) => o.includes('Phường Bắc Giang')), `the picked unit is offered: ${options}`);
    await citizen.locator('#unit').selectOption({ label: options.find((o) => o.includes('Phường Bắc Giang')) });
    await checkAxe(citizen, 'code page (phone)');
    await submitAndWait(citizen, '#start-form button[type=submit]', (u) => /\/attempts\/\d+$/.test(u.pathname));
    await citizen.locator('#countdown').waitFor();
    await noSideways(citizen, 'the questions');
    await checkAxe(citizen, 'questions (phone)');
    const shown = citizen.locator('fieldset.contest-question');
    assertEqual(await shown.count(), 2, 'both questions drawn');
    for (let i = 0; i < 2; i += 1) {
      const q = shown.nth(i);
      const text = (await q.locator('.contest-qtext').textContent()).trim();
      const mine = questions.find((x) => x.text === text);
      assert(mine, `a typed question: ${text}`);
      await q.locator('label.contest-choice', { hasText: mine.choices[mine.right] }).first().locator('input').check();
    }
    await citizen.locator('#prediction').fill('1');
    await submitAndWait(citizen, '#submit-sheet', (u) => u.pathname.endsWith('/result'));
    assertEqual(await citizen.locator('#result').getAttribute('data-counted'), 'true', 'counted');
    assertEqual((await citizen.locator('#result-score').textContent()).trim(), '2/2', 'both right');
    await noSideways(citizen, 'the result');
    await checkAxe(citizen, 'result (phone)');
    await screenshot(citizen, 'contest-forms-result-phone.png');
    expectNoPageProblems(citizen, 'contest pages');
  }],
];

let ok = false;
try {
  ok = await runSteps('contest set up through forms', steps, {
    onFailure: async (name) => {
      const page = citizen ?? staff;
      if (page) await screenshot(page, `failed-contest-forms-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}.png`);
    },
  });
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
