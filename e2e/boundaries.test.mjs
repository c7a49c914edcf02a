// Village codes and boundary changes in a real browser. The officer of a
// demo ward whose residential groups share a name ("Tổ dân phố số 1" from
// each old ward merged into it) downloads the member template from an
// initiative's page, fills it with openpyxl from the template's own
// drop-down list, uploads it (dry run, then for real) and sees the members
// counted on the right villages. Then the officer merges two of those
// namesakes into a new group: the preview shows what moves before the
// change is confirmed. Last, the province's secretariat abolishes a
// district level (made for the test) from the province's page: the level
// picked from a translated list, the preview, the communes back under the
// province. axe-core on every page; screenshots of the previews.
// Run through e2e/run, which starts the demo app.
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
const NAME = 'Tổ dân phố số 1';
const browser = await launchBrowser();
const dir = mkdtempSync(path.join(process.env.TMPDIR ?? tmpdir(), 'boundaries-'));
let page;
let ward;
let initiative;
let filled;

async function api(token, pathname, init = {}) {
  const res = await fetch(`${BASE_URL}${pathname}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  assert(res.ok, `${pathname} answered ${res.status}`);
  return res.json();
}

async function token(username) {
  const body = JSON.stringify({ username, password: 'demo' });
  return (await api(null, '/api/v1/session', { method: 'POST', body })).token;
}

const steps = [
  ['a ward whose residential groups share a name has an initiative', async () => {
    const t = await token('tinh');
    const province = (await api(t, '/api/v1/org/units?code=24')).find((u) => u.level === 'province');
    const communes = (await api(t, `/api/v1/org/units/${province.id}/children?limit=1000`)).filter((u) => u.level === 'commune');
    for (const c of communes) {
      const villages = await api(t, `/api/v1/org/units/${c.id}/children?limit=1000`);
      const same = villages.filter((v) => v.level === 'village' && v.name === NAME);
      if (same.length < 2) continue;
      assert(same.every((v) => v.code && v.code.startsWith(`${c.code}.`)), `village codes of ${c.name}: ${same.map((v) => v.code)}`);
      const officer = await token(`xa-${c.code}`);
      const found = (await api(officer, '/api/v1/initiatives')).initiatives;
      if (found.length === 0) continue;
      ward = c;
      initiative = found[0];
      break;
    }
    assert(ward, 'no demo ward with namesake villages and an initiative');
    console.log(`    ward ${ward.name} (${ward.code}), initiative ${initiative.id}`);
  }],
  ['the member template, filled from its own list, imports onto the right villages', async () => {
    page = await newPage(browser, DESKTOP);
    await login(page, `xa-${ward.code}`, 'demo');
    await goto(page, `/movement/initiatives/${initiative.id}`);
    const link = page.locator('a[href^="/movement/templates/members.xlsx?initiative="]');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const template = path.join(dir, 'mau.xlsx');
    await download.saveAs(template);
    const out = path.join(dir, 'thanh-vien.xlsx');
    const fill = spawnSync(PYTHON, [path.join(here, 'fixtures', 'fill_members.py'), template, out], { encoding: 'utf8' });
    assert(fill.status === 0, `fill_members.py failed:\n${fill.stderr}`);
    filled = JSON.parse(fill.stdout);
    assertEqual(filled.name, NAME, 'the repeated name');
    await page.locator('#mb-file').setInputFiles(out);
    await Promise.all([page.waitForLoadState('load'), page.locator('#members-upload button[type=submit]').click()]);
    const summary = page.locator('#import-summary');
    assertEqual(await summary.getAttribute('data-error-rows'), '0', `no bad row: ${await page.locator('main').innerText()}`);
    assertEqual(await summary.getAttribute('data-valid-rows'), '3', 'three members');
    assertEqual(await summary.getAttribute('data-households'), '2', 'two households');
    await checkAxe(page, 'member upload dry run');
    await screenshot(page, 'members-dry-run.png');
    await Promise.all([page.waitForLoadState('load'), page.locator('button[name=mode][value=all]').click()]);
    assertEqual(await page.locator('#import-summary').getAttribute('data-imported'), '3', 'imported');
    await goto(page, `/movement/initiatives/${initiative.id}`);
    for (const [code, members] of [[filled.codes[0], '2'], [filled.codes[1], '1']]) {
      const row = page.locator('#village-counts tr[data-listed="true"]', { hasText: `${NAME} (${code})` });
      assertEqual(await row.count(), 1, `the row of ${code}`);
      assertEqual(await row.getAttribute('data-members'), members, `members of ${code}`);
    }
    await checkAxe(page, 'initiative with namesake villages');
  }],
  ['two namesake groups are merged: the preview shows what moves, then the change is confirmed', async () => {
    const villages = await api(await token(`xa-${ward.code}`), `/api/v1/org/units/${ward.id}/children?limit=1000`);
    const [first, second] = filled.codes.map((code) => villages.find((v) => v.code === code));
    await goto(page, `/org/units/${first.id}`);
    assert((await page.locator('dd', { hasText: first.code }).count()) >= 1, 'the unit page shows the village code');
    await checkAxe(page, 'village page with the change forms');
    await screenshot(page, 'unit-change-forms.png');
    const form = page.locator('#change-merge');
    await form.locator(`input[name=sources][value="${second.id}"]`).check();
    await form.locator('#bd-mg-target').selectOption('new');
    await form.locator('#bd-mg-name').fill('Tổ dân phố Hợp Nhất');
    await Promise.all([page.waitForLoadState('load'), form.locator('button[type=submit]').click()]);
    assertEqual(await page.locator('h1').innerText(), 'Xem trước thay đổi', 'the preview page');
    assertEqual(await page.locator('tr[data-change="ended"]').count(), 2, 'two groups end');
    assertEqual(await page.locator('tr[data-change="created"]').count(), 1, 'one group is created');
    assert(await page.locator('tr[data-record="members"]').count() === 1, 'the listed members go with them');
    await checkAxe(page, 'boundary change preview');
    await screenshot(page, 'boundary-preview.png');
    // Nothing changed yet.
    const still = await api(await token(`xa-${ward.code}`), `/api/v1/org/units/${first.id}`);
    assert(!still.valid_to, 'the preview wrote nothing');
    await Promise.all([page.waitForURL((u) => u.search.includes('saved=1')), page.locator('#preview-confirm').click()]);
    assertEqual(await page.locator('h1').innerText(), 'Tổ dân phố Hợp Nhất', 'the new group');
    assert(await page.locator('#saved-notice').isVisible(), 'the save is confirmed');
    assertEqual(await page.locator('#formed-from li').count(), 2, 'formed from the two groups');
    await checkAxe(page, 'the merged group');
    await screenshot(page, 'boundary-merged.png');
  }],
  ['the province abolishes the district level: its communes move up to the province', async () => {
    // A district made for the test with two communes moved under it (the
    // demo's province has had none since the 2025 reorganisation).
    const t = await token('tinh');
    const province = (await api(t, '/api/v1/org/units?code=24')).find((u) => u.level === 'province');
    const communes = (await api(t, `/api/v1/org/units/${province.id}/children?limit=1000`))
      .filter((u) => u.level === 'commune' && u.id !== ward.id).slice(0, 2);
    assertEqual(communes.length, 2, 'two communes to move');
    // Made yesterday (Viet Nam time), so that today's abolition follows it.
    const yesterday = new Date(Date.now() + 7 * 3600_000 - 24 * 3600_000).toISOString().slice(0, 10);
    const op = (operation) => api(t, '/api/v1/org/operations', { method: 'POST', body: JSON.stringify({ operation, effective: yesterday }) });
    const district = (await op({ op: 'create', unit: { name: 'Huyện Thử Bỏ Cấp', level: 'district', parent_id: province.id } })).created[0];
    for (const c of communes) await op({ op: 'reparent', unit: c.id, parent: district });
    const secretariat = await newPage(browser, DESKTOP);
    await login(secretariat, 'tinh', 'demo');
    await goto(secretariat, `/org/units/${province.id}`);
    const form = secretariat.locator('#change-abolish-level');
    const offered = await form.locator('#bd-al-level option').allInnerTexts();
    assert(offered.includes('Huyện/Quận (cấp huyện)'), `the district level is offered, translated: ${offered}`);
    assert(!offered.some((o) => /^(district|commune|village)$/.test(o)), `no level code shown: ${offered}`);
    await form.locator('#bd-al-level').selectOption('district');
    await Promise.all([secretariat.waitForLoadState('load'), form.locator('button[type=submit]').click()]);
    assertEqual(await secretariat.locator('h1').innerText(), 'Xem trước thay đổi', 'the preview page');
    assertEqual(await secretariat.locator('#preview-kind').innerText(), 'Bỏ một cấp hành chính', 'the change named');
    assertEqual(await secretariat.locator('tr[data-change="ended"]').count(), 1, 'the district ends');
    assertEqual(await secretariat.locator('tr[data-change="moved"]').count(), 2, 'its two communes move up');
    await checkAxe(secretariat, 'abolish a level: preview');
    await screenshot(secretariat, 'abolish-level-preview.png');
    const still = await api(t, `/api/v1/org/units/${district}`);
    assert(!still.valid_to, 'the preview wrote nothing');
    await Promise.all([secretariat.waitForURL((u) => u.search.includes('saved=1')), secretariat.locator('#preview-confirm').click()]);
    assert(await secretariat.locator('#saved-notice').isVisible(), 'the save is confirmed');
    const children = await secretariat.locator('#unit-children a.unit-link').allInnerTexts();
    for (const c of communes) assert(children.includes(c.name), `${c.name} stands under the province again`);
    assert(!children.includes('Huyện Thử Bỏ Cấp'), 'the district is gone');
    await checkAxe(secretariat, 'abolish a level: saved');
    await screenshot(secretariat, 'abolish-level-saved.png');
    await secretariat.close();
  }],
];

const ok = await runSteps('boundaries', steps, {
  onFailure: async () => {
    if (page) await screenshot(page, 'boundaries-failure.png').catch(() => {});
  },
});
await browser.close();
process.exit(ok ? 0 : 1);
