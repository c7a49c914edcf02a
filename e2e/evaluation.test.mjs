// Criteria sets, prefilled scores and the way from a ranking to awards, in
// a real browser: the secretariat changes a criterion's weight in the
// criteria form of the villages' set; a commune officer opens a village's
// evaluation and sees that weight and the points prefilled from the
// village's computed target (the figure the targets API gives); the
// secretariat's commune ranking proposes awards for its top units in one
// click, and the awards page lists them. axe-core on every new page.
import {
  DESKTOP, assert, assertEqual, checkAxe, goto, launchBrowser, login, newPage, runSteps, screenshot, url,
} from './lib.mjs';

const YEAR = Math.min(Math.max(new Date().getFullYear(), 2024), 2030);
const browser = await launchBrowser();
let province;
let officer;
let code;
let weight;

// The points a criterion starts from: full at the goal, in proportion below, half up.
function prefill(max, value, goal) {
  const share = Math.min(Math.max(value / goal, 0), 1);
  return Math.floor((Math.round(share * max * 100) + 50) / 100);
}

const steps = [
  ['the secretariat changes a criterion\'s weight in the villages\' set', async () => {
    province = await newPage(browser, DESKTOP);
    await login(province, 'tinh', 'demo');
    await goto(province, `/evaluations/criteria?year=${YEAR}&kind=village`);
    await checkAxe(province, 'criteria form');
    assert(await province.locator('#cs-copy-note').isVisible(), 'the page says a set in use is copied');
    code = await province.locator('#criteria-rows tbody tr').first().getAttribute('data-code');
    assert(code, 'a first criterion');
    weight = Number(await province.locator('#c0-weight').inputValue()) + 1;
    await province.locator('#c0-weight').fill(String(weight));
    await Promise.all([
      province.waitForURL((u) => u.pathname === '/evaluations/criteria' && u.searchParams.get('saved') === '1'),
      province.locator('#save-criteria').click(),
    ]);
    assert(await province.locator('#saved').isVisible(), 'the save is confirmed');
    assertEqual(Number(await province.locator('#c0-weight').inputValue()), weight, 'the new weight is kept');
    assert((await province.locator('#change-list').innerText()).includes(code), 'the history names the criterion');
    await screenshot(province, 'criteria-saved.png');
  }],
  ['a commune officer sees the new weight and the points prefilled from the targets', async () => {
    officer = await newPage(browser, DESKTOP);
    await login(officer, 'xa-07210', 'demo');
    await goto(officer, `/evaluations?year=${YEAR}&kind=village`);
    const first = officer.locator('section[aria-labelledby=ns-h] a').first();
    const href = await first.getAttribute('href');
    const village = href.match(/\/evaluations\/(\d+)/)[1];
    await goto(officer, `/evaluations/${village}?year=${YEAR}`);
    await checkAxe(officer, 'village evaluation with prefilled scores');
    const row = officer.locator('#score-form tbody tr').filter({ has: officer.locator(`#p-${code.replaceAll('.', '\\.')}`) });
    assert((await row.innerText()).includes(`×${weight}`), `criterion ${code} counts ${weight} times`);
    const prefilled = officer.locator('input[data-prefilled="1"]');
    assert(await prefilled.count() >= 1, 'at least one criterion starts from its target');
    const targets = await (await officer.request.get(url(`/api/v1/targets?unit=${village}&year=${YEAR}`))).json();
    for (const input of await prefilled.all()) {
      const criterion = (await input.getAttribute('name')).replace('points.', '');
      const words = await officer.locator(`#computed-${criterion.replaceAll('.', '\\.')}`).innerText();
      const target = words.match(/chỉ tiêu (2\.\d[abc]?)/)[1];
      const t = targets.targets.find((x) => x.target === target);
      const max = Number(await input.getAttribute('max'));
      assertEqual(Number(await input.inputValue()), prefill(max, t.value, t.goal), `criterion ${criterion} from target ${target}`);
      assert(words.startsWith(`tính từ chỉ tiêu ${target}`), `the words beside it: ${words}`);
    }
    await screenshot(officer, 'evaluation-prefilled.png');
  }],
  ['the ranked communes lead to award proposals', async () => {
    await goto(province, `/evaluations?year=${YEAR}&kind=commune`);
    await checkAxe(province, 'ranking with proposals');
    const top = (await province.locator('#ranking tbody tr').first().locator('td').nth(1).innerText()).trim();
    assert(await province.locator('#ranking tbody tr').first().locator('input[name=unit]').isChecked(), 'the first place comes chosen');
    await Promise.all([
      province.waitForURL((u) => u.pathname === '/awards'),
      province.locator('#nominate-ranked-btn').click(),
    ]);
    assert(await province.locator('#saved').isVisible(), 'the proposals are confirmed');
    const nominated = province.locator('article[id^=nomination-]').filter({ hasText: top });
    assert(await nominated.count() >= 1, `${top} is proposed`);
    assert((await nominated.first().innerText()).includes('Xếp loại'), 'the reason says the classification');
    await checkAxe(province, 'awards after proposals');
    await screenshot(province, 'awards-from-ranking.png');
  }],
];

const ok = await runSteps('evaluation', steps, {
  onFailure: async () => {
    if (province) await screenshot(province, 'evaluation-failure-province.png').catch(() => {});
    if (officer) await screenshot(officer, 'evaluation-failure-officer.png').catch(() => {});
  },
});
await browser.close();
process.exit(ok ? 0 : 1);
