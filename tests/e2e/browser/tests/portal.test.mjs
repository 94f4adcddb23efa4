// The client portal: a demo client user raises a ticket from the portal, a staff member
// replies to it publicly and adds an internal note in a second browser context, and the client
// sees the answer but not the note.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DEMO_PASSWORD,
  afterNavigation,
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

/** Signs a client user in through the login form and waits for the portal. */
async function logInClient(page, login) {
  await page.goto('/login');
  await page.fill('#login', login);
  await page.fill('#password', DEMO_PASSWORD);
  await Promise.all([page.waitForURL(/\/portal$/), page.click('button[type=submit]')]);
  const user = await page.textContent('[data-test=current-user]');
  assert.match(user, new RegExp(`\\(${login}\\)`));
}

/** Adds a comment through the ticket page's form, public or internal. */
async function comment(page, body, visibility) {
  await page.fill('#comment-body', body);
  await page.check(`#visibility-${visibility}`);
  await afterSwap(page, () => page.click('[data-test=comment-form] button[type=submit]'));
}

test('client raises a ticket and sees the public answer only', async () => {
  const client = await newPage(browser);
  await logInClient(client.page, 'romashka');
  assert.equal(await client.page.textContent('[data-test=portal-company]'), 'ООО «Ромашка»');
  const nav = await client.page.locator('#nav .navbar-nav .nav-link').allTextContents();
  assert.deepEqual(
    nav.map((text) => text.trim()),
    ['Кабинет', 'Заявки', 'Новая заявка', 'Договоры'],
  );

  const title = `Не приходят письма о заказах ${uniqueSuffix()}`;
  const ticketPath = await createTicket(client.page, {
    title,
    description: 'С утра покупатели не получают подтверждения заказов.',
  });
  await client.page.goto('/portal');
  const rows = client.page.locator('[data-test=portal-ticket]', { hasText: title });
  assert.equal(await rows.count(), 1, 'the new ticket is on the portal');

  const staff = await newPage(browser);
  await logIn(staff.page, 'lead');
  await staff.page.goto(ticketPath);
  assert.equal(await staff.page.textContent('[data-test=ticket-title]'), title);
  const answer = 'Проверили почтовый сервер, письма снова уходят.';
  const note = `Внутренняя заметка: очередь SMTP переполнилась ${uniqueSuffix()}`;
  await comment(staff.page, answer, 'public');
  await comment(staff.page, note, 'internal');
  assert.equal(await staff.page.locator('[data-test=comment]').count(), 2);

  await client.page.goto(ticketPath);
  const comments = client.page.locator('[data-test=comment]');
  assert.equal(await comments.count(), 1, 'the client sees one comment');
  assert.equal(await comments.first().locator('.card-body').textContent(), answer);
  const html = await client.page.content();
  assert.ok(!html.includes(note), 'the internal note is hidden from the client');
  assert.equal(await client.page.locator('[data-test=comment-internal]').count(), 0);
  await screenshot(client.page, 'portal-ticket');

  assert.equal(client.page.dialogs.length, 0, client.page.dialogs.join('\n'));
  await staff.context.close();
  await client.context.close();
});

test('client administrator invites a user', async () => {
  const { context, page } = await newPage(browser);
  await logInClient(page, 'romashka-admin');
  await page.click('#nav a[href="/portal/users"]');
  await page.waitForURL(/\/portal\/users$/);
  const login = `petrov-${uniqueSuffix()}`;
  await page.fill('#login', login);
  await page.fill('#display_name', 'Пётр Петров');
  await page.fill('#email', 'petrov@romashka.example');
  await afterNavigation(page, () => page.click('[data-test=portal-invite-submit]'));
  const link = (await page.textContent('[data-test=secret]')).trim();
  assert.match(link, /\/set-password\/[A-Za-z0-9_-]+$/);
  const row = page.locator(`[data-test=portal-user][data-login="${login}"]`);
  assert.equal(await row.locator('[data-state]').getAttribute('data-state'), 'invited');
  await screenshot(page, 'portal-users');

  const invited = await newPage(browser);
  await invited.page.goto(new URL(link).pathname);
  const password = 'ромашка цветёт каждое лето';
  await invited.page.fill('#password', password);
  await invited.page.fill('#confirmation', password);
  await afterNavigation(invited.page, () =>
    invited.page.click('[data-test=set-password-form] button[type=submit]'),
  );
  assert.equal(await invited.page.locator('[data-test=password-set]').count(), 1);
  await invited.page.goto('/login');
  await invited.page.fill('#login', login);
  await invited.page.fill('#password', password);
  await Promise.all([
    invited.page.waitForURL(/\/portal$/),
    invited.page.click('button[type=submit]'),
  ]);
  await invited.context.close();
  await context.close();
});
