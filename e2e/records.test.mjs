// Correct and void plans, resolutions and budget entries in a real browser.
// The province's secretariat (the budget is theirs) records an amount with
// a typo, corrects it in the pre-filled form (typed "12 500 000", as
// people write it) and sees the corrected amount in the budget page; a
// commune officer registers a resolution, voids it with a reason and sees
// it gone from the list. axe-core on every new page.
import {
  DESKTOP, assert, assertEqual, checkAxe, goto, launchBrowser, login, newPage, runSteps, screenshot, url,
} from './lib.mjs';

const RUN = Date.now() % 100000;
const NOTE = `Kinh phí thử ${RUN}`;
const NUMBER = `NQ-${RUN}/ĐU`;
const browser = await launchBrowser();
let province;
let officer;
let entryId;

/// The row of the budget's list that carries this run's note.
async function entryRow() {
  await goto(province, '/budget');
  const row = province.locator('#entry-list tbody tr', { hasText: NOTE });
  return (await row.count()) === 0 ? null : row.first();
}

const steps = [
  ['the secretariat records an amount with a typo', async () => {
    province = await newPage(browser, DESKTOP);
    await login(province, 'tinh', 'demo');
    await goto(province, '/budget');
    await province.locator('#b-level').selectOption('commune');
    await province.locator('#b-stage').selectOption('allocation');
    await province.locator('#b-amount').fill('12.500.000.000');
    await province.locator('#b-from').fill('2026-03-01');
    await province.locator('#b-note').fill(NOTE);
    await Promise.all([
      province.waitForURL((u) => u.pathname === '/budget' && u.searchParams.has('saved')),
      province.locator('#add-entry button[type=submit]').click(),
    ]);
    assert(await province.locator('#saved').isVisible(), 'the save is confirmed');
    const row = await entryRow();
    assert(row, 'the entry is listed');
    assert((await row.innerText()).includes('12.500.000.000 đ'), `the typo is listed: ${await row.innerText()}`);
    entryId = Number(await row.getAttribute('data-entry'));
    assert(entryId > 0, 'the entry has an id');
  }],
  ['the amount is corrected in the pre-filled form and the budget page shows it', async () => {
    await goto(province, '/budget');
    const row = await entryRow();
    await Promise.all([
      province.waitForURL((u) => u.pathname === `/budget/entries/${entryId}/edit`),
      row.getByRole('link').click(),
    ]);
    assertEqual(await province.locator('#rf-amount').inputValue(), '12.500.000.000', 'the form holds the amount');
    await checkAxe(province, 'budget entry correction form');
    await province.locator('#rf-amount').fill('12 500 000');
    await Promise.all([
      province.waitForURL((u) => u.pathname === `/budget/entries/${entryId}/edit` && u.searchParams.has('saved')),
      province.locator('#edit-form button[type=submit]').click(),
    ]);
    assert(await province.locator('#saved').isVisible(), 'the correction is confirmed');
    const history = await province.locator('#change-list').innerText();
    // Read as people write it: the field's label, money with thousands dots
    // and "đ", the actor's name, never a field code or a bare number.
    assert(history.includes('Số tiền: «12.500.000.000 đ» → «12.500.000 đ»'), `the history shows old and new: ${history}`);
    assert(!/\b[a-z]+_[a-z_]+\b|\bamount\b|\b12500000\b/.test(history), `no raw field code or value in the history: ${history}`);
    await checkAxe(province, 'budget entry with its history');
    await screenshot(province, 'budget-entry-corrected.png');
    const text = await (await entryRow()).innerText();
    assert(text.includes('12.500.000 đ') && !text.includes('12.500.000.000'), `the budget lists the corrected amount: ${text}`);
    const api = await province.request.get(url(`/api/v1/budget/entries/${entryId}`));
    assertEqual((await api.json()).amount, 12500000, 'the API reads the corrected amount');
  }],
  ['a commune officer registers a resolution and voids it with a reason', async () => {
    officer = await newPage(browser, DESKTOP);
    await login(officer, 'xa-07210', 'demo');
    await goto(officer, '/movement/documents');
    await officer.locator('#dc-unit').selectOption({ index: 1 });
    await officer.locator('#dc-kind').selectOption('resolution');
    await officer.locator('#dc-number').fill(NUMBER);
    await officer.locator('#dc-title').fill(`Nghị quyết chuyên đề thử ${RUN}`);
    await officer.locator('#dc-on').fill('2026-02-10');
    await Promise.all([
      officer.waitForURL((u) => u.pathname === '/movement/documents'),
      officer.locator('#new-document button[type=submit]').click(),
    ]);
    const row = officer.locator('#document-list tbody tr', { hasText: NUMBER });
    assertEqual(await row.count(), 1, 'the resolution is listed');
    await Promise.all([
      officer.waitForURL((u) => /^\/movement\/documents\/\d+\/edit$/.test(u.pathname)),
      row.getByRole('link', { name: /Sửa|Correct/ }).click(),
    ]);
    const documentPath = new URL(officer.url()).pathname;
    assertEqual(await officer.locator('#rf-number').inputValue(), NUMBER, 'the form holds the number');
    assert(await officer.locator('#vo-reason').evaluate((el) => el.required), 'the reason is required');
    await checkAxe(officer, 'resolution correction form');
    await officer.locator('#vo-reason').fill('Nhập trùng nghị quyết');
    await Promise.all([
      officer.waitForURL((u) => u.pathname === '/movement/documents' && u.searchParams.has('voided')),
      officer.locator('#void-form button[type=submit]').click(),
    ]);
    assert(await officer.locator('#voided-done').isVisible(), 'the void is confirmed');
    const list = (await officer.locator('#document-list').count()) === 0
      ? ''
      : await officer.locator('#document-list').innerText();
    assert(!list.includes(NUMBER), `the voided resolution left the list: ${list}`);
    await checkAxe(officer, 'documents after a void');
    await screenshot(officer, 'resolution-voided.png');
    const res = await officer.goto(url(documentPath));
    assertEqual(res.status(), 404, 'its page is gone for the officer');
  }],
];

const ok = await runSteps('records', steps, {
  onFailure: async () => {
    if (province) await screenshot(province, 'records-province-failure.png').catch(() => {});
    if (officer) await screenshot(officer, 'records-officer-failure.png').catch(() => {});
  },
});
await browser.close();
process.exit(ok ? 0 : 1);
