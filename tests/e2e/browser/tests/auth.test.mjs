// Logging in and out through the login form.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { afterNavigation, launchBrowser, logIn, newPage, screenshot } from '../lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('ticket list redirects to login when signed out', async () => {
  const { context, page } = await newPage(browser);
  await page.goto('/tickets');
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await page.textContent('h1'), 'Вход в Витрину');
  assert.equal(await page.locator('[data-test=current-user]').count(), 0);
  await screenshot(page, 'login');
  await context.close();
});

test('wrong password shows an error', async () => {
  const { context, page } = await newPage(browser);
  await page.goto('/login');
  await page.fill('#login', 'support');
  await page.fill('#password', 'not-the-password');
  await afterNavigation(page, () => page.click('button[type=submit]'));
  assert.equal(new URL(page.url()).pathname, '/login');
  const error = await page.textContent('[data-test=login-error]');
  assert.match(error, /Неверный логин или пароль/);
  assert.equal(await page.inputValue('#login'), 'support');
  assert.equal(await page.locator('[data-test=current-user]').count(), 0);
  await context.close();
});

test('log in and log out', async () => {
  const { context, page } = await newPage(browser);
  await logIn(page, 'support');
  assert.equal(new URL(page.url()).pathname, '/tickets');
  assert.equal(await page.textContent('[data-test=current-user]'), 'Анна Смирнова (support)');
  assert.equal(await page.textContent('h1'), 'Заявки');

  await Promise.all([page.waitForURL(/\/login/), page.click('[data-test=logout]')]);
  assert.equal(await page.locator('[data-test=current-user]').count(), 0);

  // The session is gone on the server too, so the list redirects to the login page again.
  await page.goto('/tickets');
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(page.dialogs.length, 0, page.dialogs.join('\n'));
  await context.close();
});
