// Programme administration in a real browser: commune 07210 scores itself
// and submits; the province approves it and the ranking updates; the budget
// page shows the document's figures; the interim review is generated, opens
// in LibreOffice (converted to PDF) and its targets table, read with
// python-docx, equals the dashboard's numbers. axe-core on every page.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ARTIFACTS, DESKTOP, assert, assertEqual, checkAxe, expectNoPageProblems, goto, launchBrowser, login, newPage,
  runSteps, screenshot, url,
} from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env.KHIENMANG_E2E_PYTHON ?? 'python3';
const COMMUNE = '07210';
const browser = await launchBrowser();
let officer;
let province;
let communeId;

// The row of a unit in the ranking: [rank, status].
async function rankingRow(page, unit) {
  const row = page.locator(`#ranking tr[data-unit="${unit}"]`);
  if (await row.count() === 0) return null;
  return [Number((await row.locator('td').first().textContent()).trim()), await row.getAttribute('data-status')];
}

// "12.345" and "98,5%" as the documents write them.
const thousands = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
function percent(share) {
  const tenths = Math.round(share * 1000);
  return `${Math.floor(tenths / 10)}${tenths % 10 ? `,${tenths % 10}` : ''}%`;
}

const steps = [
  ['a commune officer scores the commune and submits it', async () => {
    officer = await newPage(browser, DESKTOP);
    await login(officer, `xa-${COMMUNE}`, 'demo');
    await goto(officer, '/evaluations');
    await checkAxe(officer, 'evaluations (commune)');
    const own = officer.locator('#own-link');
    communeId = (await own.getAttribute('href')).match(/\/evaluations\/(\d+)/)[1];
    assert((await officer.locator('#own-status').textContent()).includes('Chưa tự đánh giá'), 'nothing entered yet');
    await Promise.all([officer.waitForURL((u) => u.pathname === `/evaluations/${communeId}`), own.click()]);
    const inputs = officer.locator('#score-form input[type=number]');
    const n = await inputs.count();
    assert(n >= 5, `criteria on the form: ${n}`);
    for (let i = 0; i < n; i += 1) {
      await inputs.nth(i).fill(await inputs.nth(i).getAttribute('max'));
    }
    await officer.locator('#score-form textarea').first().fill('https://xa07210.bacninh.gov.vn/nghi-quyet-chuyen-de');
    await checkAxe(officer, 'scoring form');
    await screenshot(officer, 'evaluation-form.png');
    await Promise.all([officer.waitForURL((u) => u.pathname === `/evaluations/${communeId}`), officer.locator('#submit-eval').click()]);
    assertEqual(await officer.locator('#ev-status').getAttribute('data-status'), 'submitted', 'status after submitting');
    assert((await officer.locator('#ev-total').textContent()).includes('100,00'), 'full marks');
    // The commune cannot approve itself.
    await Promise.all([officer.waitForURL((u) => u.pathname.endsWith('/decision')), officer.locator('#approve-eval').click()]);
    assert((await officer.locator('body').textContent()).includes('không tự phê duyệt'), 'self-approval refused');
    expectNoPageProblems(officer, 'commune officer');
  }],
  ['the province approves and the ranking updates', async () => {
    province = await newPage(browser, DESKTOP);
    await login(province, 'tinh', 'demo');
    await goto(province, '/evaluations');
    const before = await rankingRow(province, communeId);
    assert(before, 'the submitted commune is ranked');
    assertEqual(before[1], 'submitted', 'status before approval');
    const approvedFull = await province.locator('#ranking tr[data-status="approved"]').count();
    await Promise.all([province.waitForURL((u) => u.pathname === `/evaluations/${communeId}`),
      province.locator(`#ranking tr[data-unit="${communeId}"] a`).click()]);
    await Promise.all([province.waitForURL((u) => u.pathname === `/evaluations/${communeId}`), province.locator('#approve-eval').click()]);
    assertEqual(await province.locator('#ev-status').getAttribute('data-status'), 'approved', 'status after approval');
    await goto(province, '/evaluations');
    const after = await rankingRow(province, communeId);
    assertEqual(JSON.stringify(after), JSON.stringify([1, 'approved']), 'full marks, approved: first');
    assertEqual(await province.locator('#ranking tr[data-status="approved"]').count(), approvedFull + 1, 'one more approved');
    await checkAxe(province, 'evaluations (province)');
    await screenshot(province, 'evaluations-ranking.png');
  }],
  ['the budget page shows the document\'s figures and the re-homed district share', async () => {
    await goto(province, '/budget');
    const doc = await province.locator('#document').textContent();
    for (const figure of ['5.015.728.000 đ', '4.235.100.000 đ', '28.531.500.000 đ', '37.782.328.000 đ']) {
      assert(doc.includes(figure), `${figure} in the document's table`);
    }
    assertEqual((await province.locator('#total-planned').textContent()).trim(), '37.782.328.000 đ', 'planned total after seeding');
    assert((await province.locator('#rehomed').textContent()).includes('chuyển từ cấp huyện'), 'the re-homed rows');
    await checkAxe(province, 'budget');
    await screenshot(province, 'budget.png');
    const api = await province.request.get(url('/api/v1/budget/summary'));
    assertEqual(api.status(), 200, 'budget summary API');
    assertEqual((await api.json()).total.planned, 37782328000, 'planned total in đồng');
  }],
  ['duties and awards pages', async () => {
    await goto(province, '/duties');
    assert(await province.locator('#bodies tbody tr').count() === 19, 'the 19 bodies of Part 3');
    for (const cell of await province.locator('#periods td:nth-child(4)').allTextContents()) {
      const pct = Number(cell.replace('%', '').replace(',', '.'));
      assert(Number.isNaN(pct) || pct <= 100, `a completeness of ${cell}`);
    }
    await checkAxe(province, 'duties');
    await goto(province, '/awards');
    assert((await province.locator('#register').textContent()).includes('QĐ-UBND'), 'the approved demo award is registered');
    await checkAxe(province, 'awards');
  }],
  ['the interim review opens in LibreOffice and its targets table is the dashboard\'s', async () => {
    await goto(province, '/reviews');
    await checkAxe(province, 'reviews');
    await screenshot(province, 'reviews.png');
    const [download] = await Promise.all([province.waitForEvent('download'), province.locator('#review-interim-docx').click()]);
    const dir = path.join(ARTIFACTS, 'review');
    mkdirSync(dir, { recursive: true });
    const docx = path.join(dir, 'review-interim.docx');
    await download.saveAs(docx);
    // The province's dashboard (the scope's root) for the year the review reports.
    const year = Math.min(Math.max(new Date().getFullYear(), 2024), 2027);
    const targets = await (await province.request.get(url(`/api/v1/targets?year=${year}`))).json();
    // The review rates each target as the dashboard does, in the same words.
    const STATUS = { met: 'Đạt', on_track: 'Đúng lộ trình', behind: 'Chậm', no_data: 'Chưa có số liệu' };
    const expected = targets.targets.map((t, i) => {
      const applies = t.denominator > 0 || t.eligible_units > 0;
      const counts = applies ? `${thousands(t.numerator)}/${thousands(t.denominator)}` : '';
      let result = t.value === null ? (counts || 'Chưa có số liệu') : (counts ? `${counts} (${percent(t.value)})` : percent(t.value));
      if (t.target === '2.9') {
        // A composite reads as its parts, each with its own rating.
        const parts = targets.targets.filter((p) => /^2\.9[abc]$/.test(p.target) && p.denominator > 0)
          .map((p) => `${p.target}: ${STATUS[p.status]}`);
        result = applies ? `${t.numerator}/${t.denominator} phần đạt (${parts.join('; ')})` : 'Chưa có số liệu';
      }
      // The dashboard's own status word, and where the trajectory expects the target.
      const goal = Math.round(t.goal * 100) === 100 ? '100%' : `Tối thiểu ${Math.round(t.goal * 100)}%`;
      return [String(i + 1), `${t.target}. ${t.label}`, goal, percent(t.expected), result, STATUS[t.status]];
    });
    const expectedPath = path.join(dir, 'expected.json');
    writeFileSync(expectedPath, JSON.stringify(expected));
    const read = spawnSync(PYTHON, [path.join(here, 'review_check.py'), docx, expectedPath], { encoding: 'utf8' });
    assert(read.status === 0, `python-docx: the targets table differs from the dashboard:\n${read.stderr}\n${read.stdout.slice(0, 800)}`);
    const pdf = spawnSync('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', dir, docx], {
      encoding: 'utf8', timeout: 180_000, env: { ...process.env, HOME: dir },
    });
    assert(pdf.status === 0 && existsSync(path.join(dir, 'review-interim.pdf')), `LibreOffice could not convert the review to PDF:\n${pdf.stderr}`);
    console.log('    python-docx: targets table equals the dashboard; LibreOffice: converted to PDF');
  }],
];

const ok = await runSteps('programme administration', steps, {
  onFailure: async () => {
    for (const [p, name] of [[officer, 'admin-officer-failure.png'], [province, 'admin-province-failure.png']]) {
      if (p) await screenshot(p, name).catch(() => {});
    }
  },
});
await browser.close();
process.exit(ok ? 0 : 1);
