// Every main page opens with its heading, without an error alert or a dialog, and leaves a
// screenshot in target/screenshots/ for people to look at.

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

/** Opens `path` and checks its status, its title and that it shows no error. */
async function open(page, path, title) {
  const response = await page.goto(path);
  assert.equal(response.status(), 200, `${path} answered ${response.status()}`);
  await page.waitForLoadState('networkidle');
  assert.equal(await page.title(), `${title} · Vitrina`, path);
  assert.equal(await page.locator('.alert-danger').count(), 0, `${path} shows an error`);
}

test('support pages open for the team lead', async () => {
  const { context, page } = await newPage(browser);
  await logIn(page, 'lead');
  // Oldest first, so the screenshot shows demo tickets rather than those other tests added.
  await open(page, '/tickets?sort=created_at&per_page=25', 'Заявки');
  assert.equal(await page.locator('[data-test=ticket-row]').count(), 25);
  await screenshot(page, 'tickets');
  await open(page, '/my', 'Мои заявки');
  await screenshot(page, 'my-tickets');
  await open(page, '/tickets/new', 'Новая заявка');
  await screenshot(page, 'new-ticket');
  await open(page, '/profile', 'Профиль');
  await screenshot(page, 'profile');
  await open(page, '/clients', 'Клиенты');
  await screenshot(page, 'clients');

  // The demo incident escalated to Disaster in Zabbix: P1, in work, with the operator's
  // comment from Zabbix.
  await page.goto('/tickets?q=postgresql');
  await Promise.all([
    page.waitForURL((url) => /^\/tickets\/\d+$/.test(url.pathname)),
    page.click('[data-test=ticket-row] .ticket-title a'),
  ]);
  await page.waitForLoadState('networkidle');
  const title = await page.textContent('[data-test=ticket-title]');
  assert.match(title, /Мало места на \/var\/lib\/postgresql/);
  assert.equal((await page.textContent('[data-test=ticket-status]')).trim(), 'В работе');
  assert.equal(await page.locator('[data-test=zabbix-origin]').count(), 1);
  assert.ok((await page.locator('[data-test=comment]').count()) >= 1);
  await screenshot(page, 'ticket-zabbix');
  assert.deepEqual(page.dialogs, []);
  await context.close();
});

test('admin pages open for the administrator', async () => {
  const { context, page } = await newPage(browser);
  await logIn(page, 'admin');
  await open(page, '/admin/users', 'Пользователи');
  const logins = await page.locator('table').first().textContent();
  for (const login of ['admin', 'support', 'lead', 'infra']) {
    assert.ok(logins.includes(login), `the user list lacks ${login}`);
  }
  await screenshot(page, 'admin-users');
  await open(page, '/admin/audit', 'Журнал аудита');
  await screenshot(page, 'admin-audit');
  await open(page, '/admin/zabbix', 'Доставки Zabbix');
  await screenshot(page, 'admin-zabbix');
  assert.deepEqual(page.dialogs, []);
  await context.close();
});
