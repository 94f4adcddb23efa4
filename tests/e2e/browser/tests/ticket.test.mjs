// A ticket's life on its page: comment, assign, and every status from new to closed. Each
// form is sent by htmx, which swaps in the re-rendered panel. A reload at the end checks that
// the server kept what the panel showed.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  afterSwap,
  createTicket,
  launchBrowser,
  logIn,
  newPage,
  screenshot,
  uniqueSuffix,
} from '../lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function status(page) {
  return (await page.textContent('[data-test=ticket-status]')).trim();
}

async function version(page) {
  return Number(await page.textContent('[data-test=ticket-version]'));
}

async function flash(page) {
  return (await page.textContent('#flash')).trim();
}

/** Clicks the status button that moves the ticket to `to` (with a pending `reason`). */
async function move(page, to, reason) {
  const actions = '[data-test=status-actions]';
  const form = reason
    ? `${actions} form:has(input[name=reason][value=${reason}])`
    : `${actions} form:has(input[name=to][value=${to}]):not(:has(input[name=reason]))`;
  const before = await version(page);
  await afterSwap(page, () => page.click(`${form} button`));
  assert.equal(await version(page), before + 1, `moving to ${to} saved no new version`);
  assert.equal(await flash(page), 'Статус изменён.');
}

/** Returns the labels of the status buttons the page offers. */
async function actions(page) {
  return page.locator('[data-test=status-actions] button').allTextContents();
}

test('comment, assign and move through every status', async () => {
  const { context, page } = await newPage(browser);
  await logIn(page, 'lead');
  const title = `Не открывается админка магазина ${uniqueSuffix()}`;
  const ticketPath = await createTicket(page, {
    title,
    description: 'Клиент пишет, что после входа видит пустую страницу.',
    priority: 'P2',
    queue: 'L1',
  });
  assert.equal(await flash(page), 'Заявка создана.');
  assert.equal(await page.textContent('[data-test=ticket-title]'), title);
  assert.equal(await status(page), 'Новая');
  assert.equal(await page.textContent('[data-test=ticket-assignee]'), 'Не назначен');
  assert.deepEqual(await actions(page), ['Отменить']);
  assert.equal(await version(page), 1);

  // A public comment: its body and its badge show, the form is empty again.
  const body = 'Проверьте, пожалуйста, с другого браузера.\nВторая строка.';
  await page.fill('#comment-body', body);
  await page.check('#visibility-public');
  await afterSwap(page, () => page.click('[data-test=comment-form] button[type=submit]'));
  assert.equal(await flash(page), 'Комментарий добавлен.');
  const comments = page.locator('[data-test=comment]');
  assert.equal(await comments.count(), 1);
  assert.equal(await comments.first().locator('.card-body').textContent(), body);
  assert.equal(await comments.first().locator('[data-test=comment-public]').count(), 1);
  assert.match(await comments.first().locator('.card-header').textContent(), /\blead\b/);
  assert.equal(await page.inputValue('#comment-body'), '');

  // Assigning a person moves a new ticket to "assigned".
  await page.selectOption('#assignee', 'support');
  await afterSwap(page, () => page.click('[data-test=assign-form] button[type=submit]'));
  assert.equal(await flash(page), 'Назначение изменено.');
  assert.equal(await page.textContent('[data-test=ticket-assignee]'), 'Анна Смирнова (support)');
  assert.equal(await status(page), 'Назначена');

  await move(page, 'in_progress');
  assert.equal(await status(page), 'В работе');
  await move(page, 'pending', 'client');
  assert.equal(await status(page), 'Ожидание: ответ клиента');
  await move(page, 'in_progress');
  assert.equal(await status(page), 'В работе');
  await move(page, 'pending', 'third_party');
  assert.equal(await status(page), 'Ожидание: третья сторона');
  await move(page, 'in_progress');
  await move(page, 'resolved');
  assert.equal(await status(page), 'Решена');
  assert.ok((await actions(page)).includes('Закрыть'), `buttons: ${await actions(page)}`);
  await screenshot(page, 'ticket');
  await move(page, 'closed');
  assert.equal(await status(page), 'Закрыта');
  assert.deepEqual(await actions(page), [], 'a closed ticket offers no status change');

  // A fresh load shows what the panel showed.
  await page.goto(ticketPath);
  assert.equal(await status(page), 'Закрыта');
  assert.equal(await page.textContent('[data-test=ticket-assignee]'), 'Анна Смирнова (support)');
  assert.equal(await page.locator('[data-test=comment]').count(), 1);
  const history = await page.locator('[data-test=history-line]').allInnerTexts();
  for (const label of ['Назначена', 'В работе', 'Ожидание', 'Решена', 'Закрыта']) {
    assert.ok(
      history.some((line) => line.includes(label)),
      `history lacks ${label}:\n${history.join('\n')}`,
    );
  }
  assert.equal(page.dialogs.length, 0, page.dialogs.join('\n'));
  await context.close();
});
