// The people registries in a real browser, as a commune officer: a person
// registered with a typo is found by searching without diacritics, the typo
// is corrected on the person's page (the form pre-filled) and the list shows
// the correction; a training's attendee is picked by searching the picker
// (a page of results, not thousands of boxes) and saved; the training is
// then voided with a reason and leaves the list. With script, typing in the
// people list's search box and in the attendee picker filters in place
// (no reload), and the count is announced in a polite live region; the
// search button still works as without script. axe-core on every new page.
import {
  DESKTOP, assert, assertEqual, checkAxe, goto, launchBrowser, login, newPage, runSteps, screenshot,
} from './lib.mjs';

const RUN = String(Date.now() % 100000).padStart(5, '0');
const TYPO = `Nguyễn Văn Thửu ${RUN}`;
const FIXED = `Nguyễn Văn Thử ${RUN}`;
const TITLE = `Lớp tập huấn thử ${RUN}`;
const browser = await launchBrowser();
let page;
let personId;
let trainingId;

async function peopleList(query) {
  await goto(page, `/movement/people?q=${encodeURIComponent(query)}`);
  return (await page.locator('#people-list').count()) === 0 ? '' : await page.locator('#people-list').innerText();
}

const steps = [
  ['a commune officer registers a person with a typo and finds them without diacritics', async () => {
    page = await newPage(browser, DESKTOP);
    await login(page, 'xa-07210', 'demo');
    await goto(page, '/movement/people');
    await checkAxe(page, 'people list');
    const rows = await page.locator('#people-list tbody tr').count();
    assert(rows <= 50, `a page of the list, not all of it: ${rows} rows`);
    await page.locator('#pe-unit').selectOption({ index: 1 });
    await page.locator('#pe-name').fill(TYPO);
    await page.locator('#pe-role').selectOption('commune_key_official');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/movement/people'),
      page.locator('#new-person button[type=submit]').click(),
    ]);
    await page.waitForLoadState('load');
    const list = await peopleList(`nguyen van thuu ${RUN}`);
    assert(list.includes(TYPO), `"nguyen" finds "Nguyễn": ${list}`);
    const href = await page.locator('#people-list a', { hasText: TYPO }).getAttribute('href');
    personId = Number(href.split('/').pop());
    assert(personId > 0, 'the person has a page');
  }],
  ['the typo is corrected in the pre-filled form and the list shows it', async () => {
    await goto(page, `/movement/people/${personId}`);
    assertEqual(await page.locator('#ed-name').inputValue(), TYPO, 'the form holds the current name');
    assertEqual(await page.locator('#ed-role').inputValue(), 'commune_key_official', 'the role is pre-filled');
    await checkAxe(page, 'person page');
    await page.locator('#ed-name').fill(FIXED);
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/movement/people/${personId}` && u.search.includes('saved=1')),
      page.locator('#edit-form button[type=submit]').click(),
    ]);
    assert(await page.locator('#saved').isVisible(), 'the save is confirmed');
    assertEqual((await page.locator('#record-name').textContent()).trim(), FIXED, 'the page shows the new name');
    const history = await page.locator('#change-list').innerText();
    assert(history.includes(TYPO) && history.includes(FIXED), `the history shows old and new: ${history}`);
    const list = await peopleList(`nguyen van thu ${RUN}`);
    assert(list.includes(FIXED) && !list.includes(TYPO), `the list shows the correction: ${list}`);
  }],
  ['typing in a search box filters as the user types, without reloading the page', async () => {
    await goto(page, '/movement/people');
    await page.evaluate(() => { window.notReloaded = true; });
    await page.locator('#q').pressSequentially(`nguyen van thu ${RUN}`, { delay: 30 });
    await page.waitForFunction((name) => {
      const rows = [...document.querySelectorAll('#people-list tbody tr')];
      return rows.length === 1 && rows[0].innerText.includes(name);
    }, FIXED, { timeout: 10_000 });
    assert(await page.evaluate(() => window.notReloaded === true), 'the list was filtered in place');
    await page.waitForFunction(() => (document.getElementById('q-live')?.textContent ?? '').includes('1'));
    const said = await page.locator('#q-live').textContent();
    assert(said.startsWith('Tìm thấy') && (await page.locator('#q-live').getAttribute('aria-live')) === 'polite', `the count is announced: ${said}`);
    assert(new URL(page.url()).searchParams.get('q') === `nguyen van thu ${RUN}`, `the address keeps the search: ${page.url()}`);
    await checkAxe(page, 'people list filtered live');
    await goto(page, '/movement/trainings');
    await page.evaluate(() => { window.notReloaded = true; });
    await page.locator('#aq').pressSequentially(`nguyen van thu ${RUN}`, { delay: 30 });
    await page.waitForFunction(() => document.querySelectorAll('#attendee-results input[name=attendee]').length === 1, null, { timeout: 10_000 });
    assert(await page.evaluate(() => window.notReloaded === true), 'the picker was filtered in place');
    await page.waitForFunction(() => (document.getElementById('aq-live')?.textContent ?? '').includes('1'));
    await screenshot(page, 'attendee-picker-live.png');
  }],
  ['an attendee is picked by searching and the training saved', async () => {
    await goto(page, '/movement/trainings');
    const offered = await page.locator('#attendee-results input[name=attendee]').count();
    assert(offered <= 20, `a page of people is offered, not all of them: ${offered}`);
    await checkAxe(page, 'training form with its picker');
    await page.locator('#tr-title').fill(TITLE);
    await page.locator('#aq').fill(`nguyen van thu ${RUN}`);
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/movement/trainings'),
      page.locator('#attendee-search').click(),
    ]);
    await page.waitForFunction(() => document.querySelectorAll('#attendee-results input[name=attendee]').length === 1);
    assertEqual(await page.locator('#tr-title').inputValue(), TITLE, 'what was typed stays after a search');
    const results = page.locator('#attendee-results input[name=attendee]');
    assertEqual(await results.count(), 1, 'the search finds the one person');
    await results.first().check();
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/movement/trainings' && u.search.includes('organiser=')),
      page.locator('#training-save').click(),
    ]);
    await goto(page, `/movement/trainings?q=${encodeURIComponent(TITLE)}`);
    const row = page.locator('#training-list tbody tr', { hasText: TITLE });
    assertEqual((await row.locator('td.num').textContent()).trim(), '1', 'one attendee');
    trainingId = Number((await row.locator('a').getAttribute('href')).split('/').pop());
    await goto(page, `/movement/trainings/${trainingId}`);
    const attendees = await page.locator('#attendee-list').innerText();
    assert(attendees.includes(FIXED), `the attendee is listed: ${attendees}`);
    await checkAxe(page, 'training page');
  }],
  ['the training is voided with a reason and leaves the list', async () => {
    assert(await page.locator('#vo-reason').evaluate((el) => el.required), 'the reason is required');
    await page.locator('#vo-reason').fill('Nhập nhầm lớp tập huấn');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/movement/trainings'),
      page.locator('#void-form button[type=submit]').click(),
    ]);
    assert(await page.locator('#done').isVisible(), 'the void is confirmed');
    await goto(page, `/movement/trainings?q=${encodeURIComponent(TITLE)}`);
    assertEqual(await page.locator('#training-list tbody tr', { hasText: TITLE }).count(), 0, 'gone from the list');
    await screenshot(page, 'training-voided.png');
    const res = await page.goto(`${new URL(page.url()).origin}/movement/trainings/${trainingId}`);
    assertEqual(res.status(), 404, 'its page is gone for the officer');
  }],
];

const ok = await runSteps('people', steps, {
  onFailure: async () => {
    if (page) await screenshot(page, 'people-failure.png').catch(() => {});
  },
});
await browser.close();
process.exit(ok ? 0 : 1);
