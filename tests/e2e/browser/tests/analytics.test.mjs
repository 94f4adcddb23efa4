// The analytics dashboard of a demo shop: `serve --demo` stores a month of generated
// storefront traffic for demo-shop-01 (of the portal's company) and demo-shop-02. ECharts
// draws the daily and heatmap charts from the API, the tables show top products, a heatmap
// cell opens its products, and an export link downloads a CSV file. A client user sees its
// own shop and gets 404 for the other company's.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEMO_PASSWORD, launchBrowser, logIn, newPage, screenshot } from '../lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Counts the pixels of the first canvas in `selector` that are not transparent. */
async function paintedPixels(page, selector) {
  return page.evaluate((chart) => {
    const canvas = document.querySelector(`${chart} canvas`);
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 3; i < pixels.length; i += 4) {
      if (pixels[i] > 0) count += 1;
    }
    return count;
  }, selector);
}

test('dashboard draws charts and lists top products', async () => {
  const { context, page } = await newPage(browser);
  await logIn(page, 'analyst');
  await page.goto('/analytics?shop=demo-shop-01');

  await page.waitForSelector('#daily-chart canvas');
  await page.waitForSelector('#heatmap-chart canvas');
  // ECharts draws after the data arrives; wait until the canvases have pixels.
  await page.waitForFunction(() =>
    ['#daily-chart', '#heatmap-chart'].every((chart) => {
      const canvas = document.querySelector(`${chart} canvas`);
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      return pixels.some((value, index) => index % 4 === 3 && value > 0);
    }),
  );
  assert.ok((await paintedPixels(page, '#daily-chart')) > 1000, 'the daily chart is drawn');
  assert.ok((await paintedPixels(page, '#heatmap-chart')) > 1000, 'the heatmap is drawn');

  const visitors = Number((await page.textContent('[data-test=visitors]')).replace(/\D/g, ''));
  assert.ok(visitors > 0, `visitors: ${visitors}`);
  const products = page.locator('[data-test=top-products] tbody tr');
  assert.equal(await products.count(), 10, 'the dashboard lists ten top products');
  const first = await products.first().textContent();
  assert.match(first, /₽/);
  await screenshot(page, 'analytics-dashboard');

  // The export link of the top products downloads the same table as CSV.
  const csvUrl = await page.getAttribute('a[href*="report=top_products"][href*="format=csv"]', 'href');
  const response = await page.request.get(csvUrl);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-type'], /text\/csv/);
  const lines = (await response.text()).trim().split('\n');
  assert.match(lines[0], /^Магазин,Товар,Категория,"Выручка, копейки",/);
  assert.equal(lines.length, 11, 'a header and ten products');

  // A heatmap cell opens the page of its products.
  await Promise.all([
    page.waitForURL(/\/analytics\/heatmap\/products\?/),
    page.locator('[data-test=heatmap-products]').first().click(),
  ]);
  assert.ok((await page.locator('table tbody tr').count()) > 0, 'the cell has products');
  await context.close();
});

test('client sees only its own shop', async () => {
  const { context, page } = await newPage(browser);
  await page.goto('/login');
  await page.fill('#login', 'romashka');
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForURL(/\/portal$/), page.click('button[type=submit]')]);

  const own = await page.goto('/analytics?shop=demo-shop-01');
  assert.equal(own.status(), 200);
  const visitors = (await page.textContent('[data-test=visitors]')).replace(/\D/g, '');
  assert.ok(Number(visitors) > 0, `visitors: ${visitors}`);
  const foreign = await page.goto('/analytics?shop=demo-shop-02');
  assert.equal(foreign.status(), 404);
  await context.close();
});
