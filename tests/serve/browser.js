// Drives Debian's chromium (headless, through puppeteer-core) over duty25
// serve's pages as a unit and the office would, and prints what the pages
// showed as JSON; tests/serve/browser.py starts the server and judges.
//
//   node browser.js CONFIG.json
// CONFIG: {base, flawed: {token, file}, good: {token, file}, password, shots}
'use strict';
const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

async function shot(page, name) {
  await page.screenshot({path: path.join(cfg.shots, name), fullPage: true});
}

async function upload(page, file, action) {
  const input = await page.$('input[type=file]');
  await input.uploadFile(file);
  await Promise.all([page.waitForNavigation({waitUntil: 'load'}), page.click(`button[value=${action}]`)]);
}

// The result section: its verdict and its findings' rows.
async function result(page) {
  return page.evaluate(() => {
    const sec = document.querySelector('#result');
    if (!sec) return null;
    const verdict = sec.querySelector('.verdict');
    const rows = [...sec.querySelectorAll('table.findings tr')].slice(1).map(
      (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    const notice = sec.querySelector('a.dl');
    return {verdict: verdict ? verdict.textContent : '', text: sec.textContent, findings: rows,
            notice: notice ? notice.getAttribute('href') : null};
  });
}

(async () => {
  const browser = await puppeteer.launch({
    executablePath: cfg.chromium || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--lang=zh-CN', '--no-first-run', '--disable-extensions'],
  });
  const out = {};
  try {
    const page = await browser.newPage();
    await page.setViewport({width: 1100, height: 800});
    const outside = [];
    page.on('request', (r) => { if (!r.url().startsWith(cfg.base) && !r.url().startsWith('data:')) outside.push(r.url()); });

    // A unit's link: its month, then a flawed return checked only.
    await page.goto(cfg.base + '/u/' + cfg.flawed.token, {waitUntil: 'load'});
    out.unit_title = await page.$eval('h1', (h) => h.textContent);
    await shot(page, 'serve-unit.png');
    await upload(page, cfg.flawed.file, 'check');
    out.check = await result(page);
    await shot(page, 'serve-check.png');

    // Another unit hands in a good return.
    await page.goto(cfg.base + '/u/' + cfg.good.token, {waitUntil: 'load'});
    await upload(page, cfg.good.file, 'submit');
    out.handin = await result(page);
    out.handin_month = await page.$eval('#month', (s) => s.textContent);
    await shot(page, 'serve-handin.png');

    // The office: refused without logging in, then its status.
    const resp = await page.goto(cfg.base + '/office/file/report', {waitUntil: 'load'});
    out.office_file_status = resp.status();
    await page.goto(cfg.base + '/office', {waitUntil: 'load'});
    await shot(page, 'serve-login.png');
    await page.type('input[name=password]', cfg.password);
    await Promise.all([page.waitForNavigation({waitUntil: 'load'}), page.click('#login button[type=submit]')]);
    out.office_counts = await page.evaluate(() => {
      const c = {};
      for (const td of document.querySelectorAll('#summary td[id]')) c[td.id] = Number(td.textContent);
      return c;
    });
    out.office_latest = await page.$eval('#latest', (s) => s.textContent);
    out.cookies = (await page.cookies()).map((c) => ({name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite}));
    await shot(page, 'serve-office.png');
    out.outside = outside;
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
})().catch((e) => {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(1);
});
