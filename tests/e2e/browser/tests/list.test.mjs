// The ticket list: filters that htmx applies in place, and paging. The demo data has 38
// tickets; other tests add more, so counts are read from the page rather than fixed here.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { afterSwap, launchBrowser, logIn, newPage } from '../lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Reads the number in "38 заявок". */
async function total(page) {
  const text = await page.textContent('[data-test=ticket-total]');
  const match = text.match(/^(\d+) заяв/);
  assert.ok(match, `unexpected total ${JSON.stringify(text)}`);
  return Number(match[1]);
}

/** Returns the ticket numbers (INC-000001…) of the rows shown. */
async function numbers(page) {
  return page.locator('[data-test=ticket-row] td:first-child a').allTextContents();
}

test('status and priority filters narrow the list', async () => {
  const { context, page } = await newPage(browser);
  await logIn(page, 'lead');
  const all = await total(page);
  assert.ok(all >= 38, `the demo has 38 tickets, the list shows ${all}`);
  assert.equal(await page.locator('[data-test=ticket-row]').count(), Math.min(all, 50));

  await afterSwap(page, () => page.check('#status-new'));
  const fresh = await total(page);
  assert.ok(fresh > 0, 'no new tickets');
  assert.ok(fresh < all, `new tickets: ${fresh} of ${all}`);
  const statuses = await page.locator('[data-test=ticket-row] td:nth-child(3) .badge').evaluateAll(
    (badges) => badges.map((badge) => badge.className),
  );
  assert.equal(statuses.length, fresh);
  for (const status of statuses) {
    assert.match(status, /badge-status-new\b/);
  }
  await page.waitForURL(/status=new/);

  await afterSwap(page, () => page.check('#status-in_progress'));
  const newOrInWork = await total(page);
  assert.ok(newOrInWork > fresh, `new or in progress: ${newOrInWork}, new: ${fresh}`);

  await afterSwap(page, () => page.selectOption('#filter-priority', 'P1'));
  const urgent = await total(page);
  assert.ok(urgent > 0, 'no P1 ticket is new or in progress');
  assert.ok(urgent < newOrInWork, `P1 of new or in progress: ${urgent}`);
  const rows = page.locator('[data-test=ticket-row]');
  for (let i = 0; i < (await rows.count()); i += 1) {
    assert.equal(await rows.nth(i).locator('td:nth-child(4)').textContent(), 'P1');
    assert.match(
      await rows.nth(i).locator('td:nth-child(3) .badge').getAttribute('class'),
      /badge-status-(new|in_progress)\b/,
    );
  }

  // The URL keeps the filters, so a reload shows the same list with the same choices.
  await page.reload();
  assert.equal(await total(page), urgent);
  assert.equal(await page.isChecked('#status-new'), true);
  assert.equal(await page.isChecked('#status-in_progress'), true);
  assert.equal(await page.isChecked('#status-closed'), false);
  assert.equal(await page.inputValue('#filter-priority'), 'P1');

  await Promise.all([page.waitForURL(/\/tickets$/), page.click('text=Сбросить')]);
  assert.equal(await total(page), all);
  await context.close();
});

test('text search finds a demo incident by host name', async () => {
  const { context, page } = await newPage(browser);
  await logIn(page, 'lead');
  await afterSwap(page, async () => {
    await page.fill('#filter-q', 'Ромашка');
    await page.press('#filter-q', 'Enter');
  });
  assert.ok((await total(page)) >= 1);
  const titles = await page.locator('[data-test=ticket-row] .ticket-title').allTextContents();
  assert.ok(
    titles.some((title) => title.includes('Магазин «Ромашка»')),
    `titles found: ${titles.join(' | ')}`,
  );
  await context.close();
});

test('paging walks through the list without overlap', async () => {
  const { context, page } = await newPage(browser);
  await logIn(page, 'lead');
  const all = await total(page);
  await afterSwap(page, () => page.selectOption('#filter-per-page', '25'));
  const pages = Math.ceil(all / 25);
  assert.equal(await page.textContent('[data-test=page-of]'), `Страница 1 из ${pages}`);
  const first = await numbers(page);
  assert.equal(first.length, 25);
  assert.equal(await page.locator('a[rel=prev]').count(), 0);

  await afterSwap(page, () => page.click('a[rel=next]'));
  assert.equal(await page.textContent('[data-test=page-of]'), `Страница 2 из ${pages}`);
  await page.waitForURL(/page=2/);
  const second = await numbers(page);
  assert.equal(second.length, Math.min(25, all - 25));
  assert.deepEqual(
    second.filter((number) => first.includes(number)),
    [],
    'a ticket shows on both pages',
  );

  await afterSwap(page, () => page.click('a[rel=prev]'));
  assert.equal(await page.textContent('[data-test=page-of]'), `Страница 1 из ${pages}`);
  assert.deepEqual(await numbers(page), first);
  await context.close();
});
