// Checks the browser-test harness itself, without the app: Chromium starts,
// renders a data: URL, and axe-core can be injected into a page whose CSP
// forbids inline scripts and reports what it should. Run by e2e/run first, so
// a broken browser or harness is not mistaken for a broken app.
import http from 'node:http';
import {
  AssertionError, CHROMIUM, DESKTOP, assert, assertEqual, checkAxe, expectNoPageProblems,
  launchBrowser, newPage, runSteps,
} from './lib.mjs';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'";
const PAGES = {
  '/good': '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Tốt</title></head>'
    + '<body><main><h1>Xin chào</h1><p>Trang kiểm thử.</p></main>'
    + '<script>document.title = "inline script ran"</script></body></html>',
  '/bad': '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Lỗi</title></head>'
    + '<body><main><h1>Ảnh</h1><img src="/good"></main></body></html>',
};

const server = http.createServer((req, res) => {
  const body = PAGES[req.url];
  res.writeHead(body ? 200 : 404, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': CSP,
  });
  res.end(body ?? 'not found');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await launchBrowser();
let ok = false;
try {
  ok = await runSteps('browser harness', [
    ['Chromium renders a data: URL', async () => {
      const page = await newPage(browser, DESKTOP);
      await page.goto('data:text/html;charset=utf-8,<title>data-url</title><h1 id=x>Khiên Mạng</h1>');
      assertEqual(await page.title(), 'data-url', 'title of the data: URL page');
      assertEqual(await page.locator('#x').textContent(), 'Khiên Mạng', 'heading text');
      await page.context().close();
    }],
    ['axe-core runs under a CSP that blocks inline scripts', async () => {
      const page = await newPage(browser, DESKTOP);
      await page.goto(`${base}/good`);
      assertEqual(await page.title(), 'Tốt', 'the CSP should have blocked the inline script');
      await checkAxe(page, 'harness good page');
      let caught;
      try {
        expectNoPageProblems(page, 'harness good page');
      } catch (err) {
        caught = err;
      }
      assert(caught && /CSP violation/.test(caught.message),
        `the blocked inline script should be reported as a CSP violation, got ${caught}`);
      await page.context().close();
    }],
    ['axe-core failures are reported', async () => {
      const page = await newPage(browser, DESKTOP);
      await page.goto(`${base}/bad`);
      let caught;
      try {
        await checkAxe(page, 'harness bad page');
      } catch (err) {
        caught = err;
      }
      assert(caught && !(caught instanceof AssertionError) && /image-alt/.test(caught.message),
        `checkAxe should have failed on an image without alt text, got ${caught}`);
      await page.context().close();
    }],
  ], { timeoutMs: 120_000, against: `Chromium at ${CHROMIUM} (no app needed)` });
} finally {
  await browser.close();
  server.close();
}
process.exit(ok ? 0 : 1);
