// Correct and void in a real browser, as a commune officer: two initiatives
// are registered in the form, a typo in one's name is corrected in the
// correction form (pre-filled) and the list shows the corrected name; the
// other is voided with a reason (a void without one is refused beside the
// field) and leaves the list. axe-core on every new page.
import {
  DESKTOP, assert, assertEqual, checkAxe, goto, launchBrowser, login, newPage, runSteps, screenshot,
} from './lib.mjs';

const RUN = Date.now() % 100000;
const TYPO = `Tổ Zalo an nnh mạng ${RUN}`;
const FIXED = `Tổ Zalo an ninh mạng ${RUN}`;
const MISTAKE = `Mô hình nhập nhầm ${RUN}`;
const browser = await launchBrowser();
let page;
let typoId;
let mistakeId;

async function register(name) {
  await goto(page, '/movement/initiatives/new');
  await page.locator('#ini-name').fill(name);
  await page.locator('#ini-participants').selectOption('locality_linked');
  await page.locator('#ini-leader-kind').selectOption('other');
  await page.locator('#ini-content').selectOption('awareness');
  await page.locator('#focus-anti_fraud').check();
  await Promise.all([
    page.waitForURL((u) => /^\/movement\/initiatives\/\d+$/.test(u.pathname)),
    page.locator('#initiative-form button[type=submit]').click(),
  ]);
  return Number(new URL(page.url()).pathname.split('/').pop());
}

async function listed(query) {
  await goto(page, `/movement?q=${encodeURIComponent(query)}`);
  return (await page.locator('#initiative-list').count()) === 0
    ? ''
    : await page.locator('#initiative-list').innerText();
}

const steps = [
  ['a commune officer registers two initiatives', async () => {
    page = await newPage(browser, DESKTOP);
    await login(page, 'xa-07210', 'demo');
    typoId = await register(TYPO);
    mistakeId = await register(MISTAKE);
    assert(typoId !== mistakeId, 'two initiatives');
  }],
  ['the typo is corrected in the pre-filled form and the list shows it', async () => {
    await goto(page, `/movement/initiatives/${typoId}`);
    await Promise.all([
      page.waitForURL((u) => u.pathname.endsWith('/edit')),
      page.locator('#edit-link').click(),
    ]);
    assertEqual(await page.locator('#ed-name').inputValue(), TYPO, 'the form holds the current name');
    assert(await page.locator('#focus-anti_fraud').isChecked(), 'the focus is pre-filled');
    await checkAxe(page, 'correction form');
    await page.locator('#ed-name').fill(FIXED);
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/movement/initiatives/${typoId}`),
      page.locator('#edit-form button[type=submit]').click(),
    ]);
    assert(await page.locator('#saved').isVisible(), 'the save is confirmed');
    assertEqual((await page.locator('#initiative-name').textContent()).trim(), FIXED, 'the page shows the new name');
    const history = await page.locator('#change-list').innerText();
    assert(history.includes(TYPO) && history.includes(FIXED), `the history shows old and new: ${history}`);
    await checkAxe(page, 'initiative page with its history');
    await screenshot(page, 'initiative-corrected.png');
    const list = await listed(`an ninh mang ${RUN}`);
    assert(list.includes(FIXED), `the list shows the correction: ${list}`);
  }],
  ['the other is voided with a reason and leaves the list', async () => {
    await goto(page, `/movement/initiatives/${mistakeId}/edit`);
    // Without a reason the browser keeps the form (the field is required);
    // the server's own refusal is the integration suite's.
    assert(await page.locator('#vo-reason').evaluate((el) => el.required), 'the reason is required');
    await page.locator('#vo-reason').fill('Đăng ký trùng, nhập nhầm');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/movement'),
      page.locator('#void-form button[type=submit]').click(),
    ]);
    assert(await page.locator('#voided-done').isVisible(), 'the void is confirmed');
    await checkAxe(page, 'list after a void');
    const list = await listed(`nhap nham ${RUN}`);
    assert(!list.includes(MISTAKE), `the voided initiative left the list: ${list}`);
    const res = await page.goto(`${new URL(page.url()).origin}/movement/initiatives/${mistakeId}`);
    assertEqual(res.status(), 404, 'its page is gone for the officer');
  }],
];

const ok = await runSteps('corrections', steps, {
  onFailure: async () => {
    if (page) await screenshot(page, 'corrections-failure.png').catch(() => {});
  },
});
await browser.close();
process.exit(ok ? 0 : 1);
