// The survey builder in a real browser: the secretariat writes a survey
// with its buttons (questions added, a skip rule chosen from the menus),
// sees it in the phone-width preview and saves it; a citizen at phone
// width (390×844) answers it with script (the skipped question is hidden
// as soon as the answer skips it) and another without script (one page at
// a time, the skipped question never on a page); after the first answer
// the builder is locked and says why. axe-core on every page.
import {
  DESKTOP, PHONE, assert, assertEqual, checkAxe, expectNoPageProblems, goto, launchBrowser, login, newPage,
  runSteps, screenshot, url,
} from './lib.mjs';

const browser = await launchBrowser();
let staff;
let citizen;
let surveyPath;
const TITLE = 'Khảo sát thử trình soạn';

async function noSideways(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `${label} is ${overflow}px wider than the phone`);
}

// A builder button: a form post that comes back with the change made.
async function press(page, value) {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.locator(`#builder button[value="${value}"]`).click()]);
}

const steps = [
  ['the secretariat writes a survey with a skip rule in the builder', async () => {
    staff = await newPage(browser, DESKTOP);
    await login(staff, 'tinh', 'demo');
    await goto(staff, '/surveys');
    await Promise.all([staff.waitForURL((u) => u.pathname === '/surveys/new'), staff.locator('#new-survey').click()]);
    await checkAxe(staff, 'survey builder (new)');
    await staff.locator('#b-title').fill(TITLE);
    await staff.locator('#q0-text').fill('Anh/chị có nhận cuộc gọi lừa đảo không?');
    await staff.locator('#q0-choices').fill('Có\nKhông');
    await press(staff, 'add:text');
    assertEqual(await staff.locator('#b-title').inputValue(), TITLE, 'the title is kept after a button');
    await staff.locator('#q1-text').fill('Anh/chị đã làm gì khi nhận cuộc gọi?');
    await press(staff, 'add:scale');
    await staff.locator('#q2-text').fill('Mức độ hữu ích của tuyên truyền');
    await staff.locator('#q2-minl').fill('Không hữu ích');
    await staff.locator('#q2-maxl').fill('Rất hữu ích');
    // "If the answer is Không, go to question 3": from the menus.
    await press(staff, 'rule:0');
    await staff.locator('#q0-r0-choice').selectOption({ label: 'Không' });
    const target = await staff.locator('#q0-r0-to option', { hasText: 'Câu 3' }).getAttribute('value');
    await staff.locator('#q0-r0-to').selectOption(target);
    await press(staff, 'refresh');
    const preview = staff.locator('#phone-preview');
    assert((await preview.innerText()).includes('Mức độ hữu ích của tuyên truyền'), 'the preview shows the questions');
    const width = await preview.evaluate((e) => e.getBoundingClientRect().width);
    assert(width <= 390 && width >= 300, `the preview is phone width: ${width}px`);
    await checkAxe(staff, 'survey builder (three questions, a rule)');
    await screenshot(staff, 'survey-builder.png');
    await Promise.all([staff.waitForURL((u) => u.pathname.endsWith('/edit')), staff.locator('#builder-save').click()]);
    assert(await staff.locator('#builder-saved').isVisible(), 'the save is confirmed');
    surveyPath = new URL(staff.url()).pathname.replace(/\/edit$/, '');
    expectNoPageProblems(staff, 'staff');
  }],
  ['phone, with script: the skipped question is hidden as soon as the answer skips it', async () => {
    citizen = await newPage(browser, PHONE);
    await goto(citizen, surveyPath);
    await citizen.locator('#s-unit').selectOption({ index: 1 });
    const q2 = citizen.locator('fieldset[data-q]').nth(1);
    assert(await q2.isVisible(), 'before any answer the whole survey is one page');
    await citizen.locator('fieldset[data-q]').nth(0).locator('input[value="1"]').check();
    assert(!(await q2.isVisible()), '"Không" hides the question it skips');
    await citizen.locator('fieldset[data-q]').nth(2).locator('input[value="4"]').check();
    await noSideways(citizen, 'the survey');
    await checkAxe(citizen, 'survey (phone, script)');
    await screenshot(citizen, 'survey-builder-phone.png');
    await Promise.all([citizen.waitForNavigation(), citizen.locator('#survey-submit').click()]);
    assert(await citizen.locator('#survey-done').isVisible(), 'thanked');
    expectNoPageProblems(citizen, 'citizen');
  }],
  ['phone, without script: one page at a time, the skipped question on none', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'vi-VN', javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(url(surveyPath));
    const shown = async () => plain.locator('fieldset[data-q]:visible legend').allInnerTexts();
    assertEqual((await shown()).length, 1, 'the first page holds the first question only');
    await plain.locator('#s-unit').selectOption({ index: 2 });
    await plain.locator('fieldset[data-q]:visible input[value="1"]').check();
    await Promise.all([plain.waitForNavigation(), plain.locator('#survey-submit').click()]);
    const second = await shown();
    assertEqual(second.length, 1, `the next page: ${second}`);
    assert(second[0].includes('Mức độ hữu ích'), `the path jumped over the skipped question: ${second}`);
    // (axe-core needs script in the page; the same markup was checked with script above.)
    await plain.locator('fieldset[data-q]:visible input[value="5"]').check();
    await Promise.all([plain.waitForNavigation(), plain.locator('#survey-submit').click()]);
    assert(await plain.locator('#survey-done').isVisible(), 'thanked without script');
    await context.close();
  }],
  ['after the first answer the builder is locked and says why', async () => {
    await goto(staff, `${surveyPath}/edit`);
    const locked = staff.locator('#builder-locked');
    assert(await locked.isVisible(), 'the lock is explained');
    assert((await locked.innerText()).includes('phiếu trả lời'), await locked.innerText());
    assert(await staff.locator('#builder-save').isDisabled(), 'no save once answered');
    await checkAxe(staff, 'survey builder (locked)');
    expectNoPageProblems(staff, 'staff');
  }],
];

const ok = await runSteps('survey builder', steps, {
  onFailure: async () => {
    for (const [p, name] of [[staff, 'survey-builder-staff-failure.png'], [citizen, 'survey-builder-citizen-failure.png']]) {
      if (p) await screenshot(p, name).catch(() => {});
    }
  },
});
await browser.close();
process.exit(ok ? 0 : 1);
