// A sales manager takes a deal to a signed contract with an amendment, in the browser only.
// The test creates the deal, moves it to won and opens the draft contract the win created.
// It signs the contract, adds an amendment and checks that the terms change on the card.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { afterNavigation, launchBrowser, logIn, newPage, uniqueSuffix } from '../lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Today in Moscow as YYYY-MM-DD, the start date the server gives a won deal's contract. */
function moscowToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
}

async function moveDeal(page, stage) {
  await page.selectOption('[data-test=deal-stage-form] #stage', stage);
  await afterNavigation(page, () => page.click('[data-test=deal-stage-form] button[type=submit]'));
  assert.equal(await page.getAttribute('[data-test=deal-stage]', 'data-stage'), stage);
}

test('sales manager takes a deal to a signed contract with an amendment', async () => {
  const { context, page } = await newPage(browser);
  await logIn(page, 'sales');
  await afterNavigation(page, () => page.click('[data-test=nav-deals]'));
  assert.equal(await page.locator('[data-test=deal-board]').count(), 1);

  const title = `Магазин подарков ${uniqueSuffix()}`;
  await afterNavigation(page, () => page.click('[data-test=deal-new]'));
  await page.fill('#title', title);
  await page.selectOption('#client_id', { index: 1 });
  await page.selectOption('#plan_id', { label: 'Старт v1 (start)' });
  await page.fill('#amount', '23 880,00');
  await afterNavigation(page, () => page.click('[data-test=deal-save]'));
  assert.equal(await page.textContent('[data-test=deal-title]'), title);
  assert.equal(await page.getAttribute('[data-test=deal-stage]', 'data-stage'), 'new');

  await moveDeal(page, 'qualified');
  await moveDeal(page, 'proposal');
  await moveDeal(page, 'won');

  await afterNavigation(page, () => page.click('[data-test=deal-contract]'));
  assert.equal(await page.getAttribute('[data-test=contract-status]', 'data-status'), 'draft');
  assert.match(await page.textContent('[data-test=terms-price]'), /1\u00a0990,00\u00a0₽/);

  const today = moscowToday();
  await page.selectOption('#status-to', 'active');
  await page.fill('#signed-on', today);
  await afterNavigation(page, () =>
    page.click('[data-test=contract-status-form] button[type=submit]'),
  );
  assert.equal(await page.getAttribute('[data-test=contract-status]', 'data-status'), 'active');

  await page.fill('#a-signed', today);
  await page.fill('#a-effective', today);
  await page.fill('#a-price', '2 490,00');
  await afterNavigation(page, () => page.click('[data-test=amendment-form] button[type=submit]'));
  assert.match(await page.textContent('[data-test=terms-price]'), /2\u00a0490,00\u00a0₽/);
  assert.equal(await page.textContent('[data-test=terms-amendments]'), '1');
  assert.equal(await page.locator('[data-test=history-row]').count(), 2);
  assert.equal(page.dialogs.length, 0, page.dialogs.join('\n'));
  await context.close();
});

test('claims and the sales report show the demo data', async () => {
  const { context, page } = await newPage(browser);
  await logIn(page, 'sales');
  await page.goto('/disputes');
  assert.ok((await page.locator('[data-test=dispute-row]').count()) >= 1);
  await page.goto('/reports/sales');
  assert.equal(await page.locator('[data-test=mrr-row]').count(), 6);
  assert.equal(page.dialogs.length, 0, page.dialogs.join('\n'));
  await context.close();
});
