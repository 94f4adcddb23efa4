// Forms posted without their CSRF token are rejected and change nothing: a plain form post,
// an htmx post (which sends the token in a header as well) and the login form.

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
} from '../lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const CSRF_MESSAGE = /Форма устарела или отправлена с другого сайта \(нет CSRF-токена\)/;

async function removeTokenFields(page) {
  const removed = await page.evaluate(() => {
    const fields = document.querySelectorAll('input[name=csrf_token]');
    fields.forEach((field) => field.remove());
    return fields.length;
  });
  assert.ok(removed > 0, 'the page has no csrf_token field');
}

test('new ticket form without token is rejected', async () => {
  const { context, page } = await newPage(browser);
  await logIn(page, 'lead');
  const title = `Без CSRF-токена ${uniqueSuffix()}`;
  await page.goto('/tickets/new');
  await page.fill('#title', title);
  await removeTokenFields(page);
  const posted = page.waitForResponse(
    (r) => r.url().endsWith('/tickets/new') && r.request().method() === 'POST',
  );
  await afterNavigation(page, () => page.click('[data-test=new-ticket-form] button[type=submit]'));
  assert.equal((await posted).status(), 403);
  assert.match(await page.textContent('main'), CSRF_MESSAGE);

  // Nothing was created; the same form with its token works.
  await page.goto(`/tickets?q=${encodeURIComponent(title)}`);
  assert.equal(await page.locator('[data-test=ticket-row]').count(), 0);
  await createTicket(page, { title });
  assert.equal(await page.textContent('[data-test=ticket-title]'), title);
  await context.close();
});

test('htmx comment without token is rejected', async () => {
  const { context, page } = await newPage(browser);
  await logIn(page, 'lead');
  await createTicket(page, { title: `Комментарий без токена ${uniqueSuffix()}` });
  await removeTokenFields(page);
  // htmx sends the token in the X-CSRF-Token header from the body's hx-headers as well.
  await page.evaluate(() => document.body.removeAttribute('hx-headers'));
  await page.fill('#comment-body', 'Этот комментарий не должен сохраниться.');
  await afterSwap(page, () => page.click('[data-test=comment-form] button[type=submit]'));
  assert.match(await page.textContent('#flash'), CSRF_MESSAGE);
  assert.equal(await page.locator('[data-test=comment]').count(), 0);

  await page.reload();
  assert.equal(await page.locator('[data-test=comment]').count(), 0);
  await context.close();
});

test('login form without token is rejected', async () => {
  const { context, page } = await newPage(browser);
  await page.goto('/login');
  await page.fill('#login', 'lead');
  await page.fill('#password', 'vitrina-demo-2026');
  await removeTokenFields(page);
  await afterNavigation(page, () => page.click('button[type=submit]'));
  assert.match(await page.textContent('main'), CSRF_MESSAGE);
  await page.goto('/tickets');
  assert.equal(new URL(page.url()).pathname, '/login', 'signed in without a CSRF token');
  await context.close();
});
