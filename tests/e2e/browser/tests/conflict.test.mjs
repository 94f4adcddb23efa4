// Two tabs of one browser session edit the same ticket. The second save carries the
// version its tab loaded, so it must be rejected with the conflict message, not applied.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  afterNavigation,
  afterSwap,
  createTicket,
  launchBrowser,
  logIn,
  newPage,
  uniqueSuffix,
  watchDialogs,
} from '../lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function saveTitle(page, title) {
  // Chromium throttles animation frames in a tab that is not in front, and Playwright waits
  // for them before each click.
  await page.bringToFront();
  await page.fill('#edit-title', title);
  await afterSwap(page, () => page.click('[data-test=edit-form] button[type=submit]'));
}

test('second tab saving a stale ticket sees a conflict', async () => {
  const { context, page: first } = await newPage(browser);
  await logIn(first, 'lead');
  const suffix = uniqueSuffix();
  const ticketPath = await createTicket(first, { title: `Ошибка оплаты ${suffix}` });

  const second = await context.newPage();
  watchDialogs(second);
  await second.goto(ticketPath);
  await first.goto(ticketPath);
  assert.equal(await second.textContent('[data-test=ticket-version]'), '1');

  const firstTitle = `Ошибка оплаты картой ${suffix}`;
  await saveTitle(first, firstTitle);
  assert.equal(await first.textContent('#flash'), 'Изменения сохранены.');
  assert.equal(await first.textContent('[data-test=ticket-title]'), firstTitle);
  assert.equal(await first.textContent('[data-test=ticket-version]'), '2');

  // The conflict shows as an alert above the panel, and the form keeps what was typed.
  const rejectedTitle = `Ошибка оплаты СБП ${suffix}`;
  await saveTitle(second, rejectedTitle);
  const error = await second.textContent('#flash [data-test=ticket-error]');
  assert.match(error, /Запись изменил кто-то другой \(ваша версия 1, текущая 2\)/);
  assert.equal(await second.locator('[data-test=ticket-reload]').count(), 1);
  assert.equal(await second.inputValue('#edit-title'), rejectedTitle);

  // The rejected title was not stored: a fresh load shows the first tab's.
  await afterNavigation(second, () => second.click('[data-test=ticket-reload]'));
  assert.equal(new URL(second.url()).pathname, ticketPath);
  assert.equal(await second.textContent('[data-test=ticket-title]'), firstTitle);
  assert.equal(await second.textContent('[data-test=ticket-version]'), '2');
  assert.equal(await second.locator('[data-test=ticket-error]').count(), 0);

  // After the reload the second tab saves normally.
  const secondTitle = `Ошибка оплаты через СБП ${suffix}`;
  await saveTitle(second, secondTitle);
  assert.equal(await second.textContent('[data-test=ticket-title]'), secondTitle);
  assert.equal(await second.textContent('[data-test=ticket-version]'), '3');
  assert.equal(await second.locator('[data-test=ticket-error]').count(), 0);

  // The first tab is stale now, and a status button carries the version too.
  await first.bringToFront();
  await afterSwap(first, () => first.click('[data-test=transition-cancelled]'));
  assert.match(
    await first.textContent('[data-test=ticket-error]'),
    /ваша версия 2, текущая 3/,
  );
  await first.goto(ticketPath);
  assert.equal(await first.textContent('[data-test=ticket-status]'), 'Новая');
  assert.equal(first.dialogs.length + second.dialogs.length, 0);
  await context.close();
});
