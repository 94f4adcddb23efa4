// The host card draws the forecast chart: ECharts puts a canvas into #forecast-chart from the
// page's JSON block. browser.sh imports two weeks of hourly CPU use for host forecast-demo.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, logIn, newPage, screenshot } from '../lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('host card draws the forecast chart', async () => {
  const { context, page } = await newPage(browser);
  await logIn(page, 'infra');
  await page.goto('/infra/hosts?q=forecast-demo');
  await Promise.all([page.waitForURL(/\/infra\/hosts\/\d+$/), page.click('text=forecast-demo')]);
  const card = page.url();

  await page.goto(`${card}?metric=cpu_utilization&fit=holt_winters&horizon=3d&threshold=65`);
  await page.waitForSelector('#forecast-chart[data-drawn=true] canvas');
  const size = await page.locator('#forecast-chart canvas').first().boundingBox();
  assert.ok(size.width > 300, `canvas is ${size.width} px wide`);
  assert.ok(size.height > 200, `canvas is ${size.height} px high`);
  // A drawn canvas has pixels that are not transparent.
  const painted = await page.evaluate(() => {
    const canvas = document.querySelector('#forecast-chart canvas');
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 3; i < pixels.length; i += 4) {
      if (pixels[i] > 0) count += 1;
    }
    return count;
  });
  assert.ok(painted > 1000, `only ${painted} pixels are painted`);
  const figures = await page.textContent('[data-test=forecast-figures]');
  assert.match(figures, /Хольт — Винтерс/);
  assert.match(figures, /вверх/);
  assert.equal(await page.locator('[data-test=forecast-error]').count(), 0);
  await screenshot(page, 'host-forecast');
  await context.close();
});
