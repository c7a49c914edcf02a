// Online contest in a real browser at phone width: a citizen enters with a
// mobile number and the one-time code (the demo's log-only sender shows it,
// labelled as a demo), answers the questions, gives a prediction, submits
// when the time limit is near and sees the result; then two more entrants
// with the same score come in through the JSON API and the leaderboard
// ranks the three by prediction closeness, then time. The answer key is
// read from the organisers' page. axe-core and no sideways scroll on every
// citizen page.
import {
  BASE_URL, DESKTOP, PHONE, assert, assertEqual, checkAxe, expectNoPageProblems, goto, launchBrowser, login,
  newPage, runSteps, screenshot,
} from './lib.mjs';

const browser = await launchBrowser();
let citizen;
let contestId;
// question text → right answer text
const key = new Map();
const run = Math.random().toString(36).slice(2, 7);
const names = { browser: `Chị Thử ${run}`, quick: `Anh Nhanh ${run}`, far: `Bác Xa ${run}` };
const PREDICTION = 7;
let questionCount = 0;

function phone() {
  return `091${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
}

async function noSideways(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `${label} is ${overflow}px wider than the phone`);
}

async function api(method, path, body) {
  const res = await fetch(BASE_URL + path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => null);
  return { status: res.status, json };
}

// An entrant through the API: code (shown by the demo), attempt, right answers.
async function enterByApi(name, prediction) {
  const number = phone();
  const code = await api('POST', `/api/v1/contests/${contestId}/code`, { phone: number });
  assertEqual(code.status, 200, `code for ${name}: ${JSON.stringify(code.json)}`);
  assert(code.json.demo_code, 'the demo returns the code of its log-only sender');
  const start = await api('POST', `/api/v1/contests/${contestId}/attempts`, {
    phone: number, code: code.json.demo_code, name,
  });
  assertEqual(start.status, 201, `attempt of ${name}: ${JSON.stringify(start.json)}`);
  const answers = start.json.questions.map((q) => {
    const right = key.get(q.text);
    assert(right !== undefined, `answer key has "${q.text}"`);
    return q.choices.indexOf(right);
  });
  assert(answers.every((a) => a >= 0), 'every right answer is among the choices');
  const sent = await api('POST', start.json.submit, { token: start.json.token, answers, prediction });
  assertEqual(sent.status, 200, `submit of ${name}: ${JSON.stringify(sent.json)}`);
  assertEqual(sent.json.counted, true, `${name} counted`);
  return sent.json;
}

const steps = [
  ['desktop: the organisers\' page lists the demo contest and its question bank', async () => {
    const staff = await newPage(browser, DESKTOP);
    await login(staff, 'tinh', 'demo');
    await goto(staff, '/outreach/contests');
    await checkAxe(staff, 'contests (organisers)');
    const href = await staff.locator('#admin-contests tbody a').first().getAttribute('href');
    contestId = Number(href.split('/').pop());
    assert(contestId > 0, `a contest id in ${href}`);
    await goto(staff, `/outreach/contests/${contestId}`);
    await checkAxe(staff, 'a contest (organisers)');
    const pairs = await staff.locator('article.contest-bank-question').evaluateAll((list) => list.map((a) => [
      a.querySelector('.contest-bank-text')?.textContent.trim(),
      a.querySelector('li.contest-right .contest-choice-text')?.textContent.trim(),
    ]));
    for (const [q, right] of pairs) {
      if (q && right) key.set(q, right);
    }
    assert(key.size >= 5, `answer key of ${key.size} questions`);
    await screenshot(staff, 'contest-admin.png');
    expectNoPageProblems(staff, 'organisers\' pages');
    await staff.context().close();
  }],
  ['phone: the contest, the number and the one-time code', async () => {
    citizen = await newPage(browser, PHONE);
    await goto(citizen, '/contests');
    await noSideways(citizen, 'the contests list');
    await checkAxe(citizen, 'contests list (phone)');
    await goto(citizen, `/contests/${contestId}`);
    await noSideways(citizen, 'the contest page');
    await checkAxe(citizen, 'contest page (phone)');
    await screenshot(citizen, 'contest-rules-phone.png');
    await citizen.locator('#phone').fill(phone());
    await Promise.all([citizen.waitForURL((u) => u.pathname.endsWith('/code')), citizen.locator('#phone-form button[type=submit]').click()]);
    const demo = (await citizen.locator('#demo-code-box').textContent()).trim();
    assert(/Bản trình diễn/.test(demo), `the code is labelled as a demo: ${demo}`);
    const code = (await citizen.locator('#demo-code').textContent()).trim();
    assert(/^\d{6}$/.test(code), `a six-digit code: ${code}`);
    await noSideways(citizen, 'the code page');
    await checkAxe(citizen, 'code page (phone)');
    await citizen.locator('#code').fill(code);
    await citizen.locator('#name').fill(names.browser);
    const units = await citizen.locator('#unit option').count();
    if (units > 1) await citizen.locator('#unit').selectOption({ index: 1 });
    await Promise.all([citizen.waitForURL((u) => /\/attempts\/\d+$/.test(u.pathname)), citizen.locator('#start-form button[type=submit]').click()]);
  }],
  ['phone: answers, a prediction, and submitting when the time limit is near', async () => {
    await citizen.locator('#countdown').waitFor();
    await noSideways(citizen, 'the questions');
    await checkAxe(citizen, 'questions (phone)');
    const questions = citizen.locator('fieldset.contest-question');
    questionCount = await questions.count();
    assert(questionCount >= 5, `${questionCount} questions drawn`);
    for (let i = 0; i < questionCount; i += 1) {
      const q = questions.nth(i);
      const text = (await q.locator('.contest-qtext').textContent()).trim();
      const right = key.get(text);
      assert(right !== undefined, `answer key has "${text}"`);
      await q.locator('label.contest-choice', { hasText: right }).first().locator('input').check();
    }
    await citizen.locator('#prediction').fill(String(PREDICTION));
    await screenshot(citizen, 'contest-questions-phone.png');
    // Wait until at most 10 seconds are left on the countdown (app.js).
    await citizen.waitForFunction(() => {
      const t = document.getElementById('countdown').textContent.trim();
      const m = /^(\d+):(\d+)$/.exec(t);
      return m && Number(m[1]) * 60 + Number(m[2]) <= 10;
    }, null, { timeout: 120_000, polling: 250 });
    assert(await citizen.locator('#timer.contest-hurry').count() === 1, 'the timer warns near the end');
    await Promise.all([citizen.waitForURL((u) => u.pathname.endsWith('/result')), citizen.locator('#submit-sheet').click()]);
  }],
  ['phone: the result', async () => {
    assertEqual(await citizen.locator('#result').getAttribute('data-counted'), 'true', 'counted');
    assertEqual((await citizen.locator('#result-score').textContent()).trim(), `${questionCount}/${questionCount}`, 'score');
    const time = (await citizen.locator('#result-time').textContent()).trim();
    // As people read it: "54,9 giây" or "1 phút 4,9 giây".
    const m = /^(?:(\d+) phút )?(\d+),(\d) giây$/.exec(time);
    assert(m, `time taken read as people read it: ${time}`);
    const secs = Number(m[1] || 0) * 60 + Number(`${m[2]}.${m[3]}`);
    assert(secs >= 45 && secs <= 60, `time taken near the limit: ${time}`);
    assert(/^\d+\/\d+/.test((await citizen.locator('#result-rank').textContent()).trim()), 'a rank is shown');
    await noSideways(citizen, 'the result');
    await checkAxe(citizen, 'result (phone)');
    await screenshot(citizen, 'contest-result-phone.png');
  }],
  ['api: two more entrants with the same score; the leaderboard ranks closeness, then time', async () => {
    await enterByApi(names.quick, PREDICTION);
    await enterByApi(names.far, 5000);
    let places = [];
    for (let i = 0; i < 40; i += 1) {
      const board = await api('GET', `/api/v1/contests/${contestId}/leaderboard?limit=500`);
      assertEqual(board.status, 200, 'leaderboard');
      places = board.json.places.filter((p) => Object.values(names).includes(p.name));
      if (places.length === 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assertEqual(places.length, 3, 'the three entrants on the leaderboard within 4 s');
    const order = places.map((p) => p.name);
    assertEqual(JSON.stringify(order), JSON.stringify([names.quick, names.browser, names.far]), 'order');
    const [quick, mine, far] = places;
    assert(quick.score === mine.score && mine.score === far.score, 'equal scores');
    // Closeness decides first, but stays unpublished while the contest is open.
    assert([quick, mine, far].every((p) => p.closeness === null && p.prediction === null), 'predictions hidden while open');
    assert(quick.time_taken_ms < mine.time_taken_ms, 'then time');
    assert(far.time_taken_ms < mine.time_taken_ms, 'the far prediction ranks below although faster');

    const page = Math.ceil(mine.rank / 50);
    await goto(citizen, `/contests/${contestId}/leaderboard?page=${page}`);
    const rows = await citizen.locator('#board tbody tr .contest-name').allTextContents();
    const at = (n) => rows.findIndex((r) => r.trim() === n);
    assert(at(names.quick) >= 0 && at(names.quick) < at(names.browser), 'the page: quick above the browser entrant');
    if (at(names.far) >= 0) assert(at(names.browser) < at(names.far), 'the page: the far prediction below');
    await noSideways(citizen, 'the leaderboard');
    await checkAxe(citizen, 'leaderboard (phone)');
    await screenshot(citizen, 'contest-leaderboard-phone.png');
    expectNoPageProblems(citizen, 'contest pages');
  }],
];

let ok = false;
try {
  ok = await runSteps('online contest', steps, {
    onFailure: async (name) => {
      if (citizen) await screenshot(citizen, `failed-contest-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}.png`);
    },
  });
} finally {
  await browser.close();
}
process.exit(ok ? 0 : 1);
