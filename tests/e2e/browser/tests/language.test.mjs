// Switching the interface language: the button in the navigation bar stores the choice for
// the signed-in user, and the link on the login page stores it in a cookie.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { afterNavigation, afterSwap, launchBrowser, logIn, newPage } from '../lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function htmlLang(page) {
  return page.getAttribute('html', 'lang');
}

async function navTexts(page) {
  return page.locator('.navbar-nav .nav-link').allTextContents();
}

/** Checks the navigation bar: its first links, and no label in the other language. */
async function assertNav(page, first, otherScript) {
  const texts = await navTexts(page);
  assert.deepEqual(texts.slice(0, first.length), first);
  for (const text of texts) {
    assert.doesNotMatch(text, otherScript, `navigation link ${JSON.stringify(text)}`);
  }
}

const CYRILLIC = /[\u0400-\u04FF]/;
const LATIN = /[A-Za-z]/;

test('switch to English and back on the ticket list', async () => {
  // support2 is used by no other test, so its stored language changes nothing elsewhere.
  const { context, page } = await newPage(browser);
  await logIn(page, 'support2');
  // htmx applies the filter in place and pushes it into the URL, and the switch must keep it.
  await afterSwap(page, () => page.check('#status-new'));
  await page.waitForURL(/[?&]status=new\b/);
  const filtered = page.url();
  assert.equal(await htmlLang(page), 'ru');
  await assertNav(page, ['Заявки', 'Мои заявки', 'Новая заявка'], LATIN);
  assert.equal(await page.textContent('[data-test=lang-switch]'), 'EN');

  await afterNavigation(page, () => page.click('[data-test=lang-switch]'));
  assert.equal(await htmlLang(page), 'en');
  // The switch returns to the same list with its filter.
  assert.equal(page.url(), filtered);
  assert.equal(await page.isChecked('#status-new'), true);
  await assertNav(page, ['Tickets', 'My tickets', 'New ticket'], CYRILLIC);
  assert.equal(await page.textContent('h1'), 'Tickets');
  assert.match(await page.textContent('[data-test=ticket-total]'), /^\d+ tickets?$/);
  assert.equal(await page.textContent('[data-test=logout]'), 'Log out');
  assert.equal(await page.textContent('[data-test=lang-switch]'), 'RU');
  const statuses = await page
    .locator('[data-test=ticket-row] .badge[class*=badge-status]')
    .allTextContents();
  assert.ok(statuses.length > 0);
  for (const status of statuses) {
    assert.equal(status, 'New');
  }

  // The choice belongs to the user: it outlives the session.
  await Promise.all([page.waitForURL(/\/login/), page.click('[data-test=logout]')]);
  await context.clearCookies();
  await logIn(page, 'support2');
  assert.equal(await htmlLang(page), 'en');
  assert.equal(await page.textContent('h1'), 'Tickets');

  await afterNavigation(page, () => page.click('[data-test=lang-switch]'));
  assert.equal(await htmlLang(page), 'ru');
  assert.equal(await page.textContent('h1'), 'Заявки');
  await assertNav(page, ['Заявки', 'Мои заявки', 'Новая заявка'], LATIN);
  await context.close();
});

test('login page switches language for a visitor', async () => {
  const { context, page } = await newPage(browser);
  await page.goto('/login');
  assert.equal(await htmlLang(page), 'ru');
  await afterNavigation(page, () => page.click('text=English'));
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await htmlLang(page), 'en');
  assert.equal(await page.textContent('h1'), 'Sign in to Vitrina');
  assert.equal(await page.textContent('label[for=password]'), 'Password');

  await afterNavigation(page, () => page.click('text=Русский'));
  assert.equal(await htmlLang(page), 'ru');
  assert.equal(await page.textContent('h1'), 'Вход в Витрину');
  await context.close();
});
