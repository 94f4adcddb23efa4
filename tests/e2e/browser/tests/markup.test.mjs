// Markup typed into a ticket or sent by Zabbix shows as text. Vitrina's
// Content-Security-Policy would block an inline handler even if escaping failed, so the tests
// check the DOM for the element itself, and check that no dialog fired as well.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  afterSwap,
  createTicket,
  launchBrowser,
  logIn,
  newPage,
  postZabbixProblem,
  uniqueSuffix,
} from '../lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const IMG_TITLE = '<img src=x onerror=alert(1)>';

test('ticket title with an img tag renders as text', async () => {
  const { context, page } = await newPage(browser);
  await logIn(page, 'lead');
  const description = `<script>alert(2)</script> ${uniqueSuffix()}`;
  const ticketPath = await createTicket(page, { title: IMG_TITLE, description });
  await page.waitForLoadState('networkidle');

  assert.equal(await page.textContent('[data-test=ticket-title]'), IMG_TITLE);
  assert.equal(await page.textContent('[data-test=ticket-description]'), description);
  assert.equal(await page.inputValue('#edit-title'), IMG_TITLE);
  assert.equal(await page.locator('img').count(), 0, 'the title became an img element');
  assert.equal(await page.locator('main script').count(), 0);
  assert.match(await page.title(), /^INC-\d{6} · <img src=x onerror=alert\(1\)> · Vitrina$/);

  // A comment with markup, added through htmx, is text as well.
  const comment = '<img src=x onerror=alert(3)> и <b>жирный</b>';
  await page.fill('#comment-body', comment);
  await afterSwap(page, () => page.click('[data-test=comment-form] button[type=submit]'));
  assert.equal(await page.textContent('[data-test=comment] .card-body'), comment);
  assert.equal(await page.locator('img, [data-test=comment] b').count(), 0);

  // The list shows the same title as text.
  await page.goto(`/tickets?q=${encodeURIComponent(description.split(' ').pop())}`);
  await page.waitForLoadState('networkidle');
  const titles = await page.locator('[data-test=ticket-row] .ticket-title').allTextContents();
  assert.deepEqual(titles, [IMG_TITLE]);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(
    await page.getAttribute('[data-test=ticket-row] .ticket-title a', 'href'),
    ticketPath,
  );
  assert.deepEqual(page.dialogs, []);
  await context.close();
});

test('Zabbix trigger name with a b tag renders as text', async () => {
  const suffix = uniqueSuffix();
  const name = `Диск <b>заполнен</b> на 97% ${suffix}`;
  const hostName = `Хранилище <i>«Архив»</i> ${suffix}`;
  const accepted = await postZabbixProblem({
    eventId: 700_000_000 + Math.floor(Math.random() * 1e6),
    triggerId: 31_000 + Math.floor(Math.random() * 1e3),
    name,
    hostName,
    host: `archive-${suffix}`,
  });
  assert.equal(accepted.status, 'created', JSON.stringify(accepted));
  assert.ok(accepted.id, JSON.stringify(accepted));

  const { context, page } = await newPage(browser);
  await logIn(page, 'infra');
  await page.goto(`/tickets/${accepted.id}`);
  await page.waitForLoadState('networkidle');
  // The title is the alert subject, which the media type builds as "Problem: {EVENT.NAME}".
  assert.equal(await page.textContent('[data-test=ticket-title]'), `Problem: ${name}`);
  assert.equal(await page.locator('[data-test=ticket-title] b').count(), 0);
  const origin = await page.textContent('[data-test=zabbix-origin]');
  assert.ok(origin.includes(hostName), `the Zabbix section shows: ${origin}`);
  assert.equal(await page.locator('[data-test=zabbix-origin] i').count(), 0);
  assert.equal(await page.locator('main b, main i').count(), 0);

  await page.goto(`/tickets?q=${suffix}`);
  const titles = await page.locator('[data-test=ticket-row] .ticket-title').allTextContents();
  assert.deepEqual(titles, [`Problem: ${name}`]);
  assert.equal(await page.locator('[data-test=ticket-row] b').count(), 0);
  assert.deepEqual(page.dialogs, []);
  await context.close();

  // The administrator's delivery log shows the stored raw body as text too.
  const admin = await newPage(browser);
  await logIn(admin.page, 'admin');
  await admin.page.goto('/admin/zabbix');
  const body = admin.page.locator('[data-test=delivery-body]', { hasText: suffix });
  assert.equal(await body.count(), 1);
  assert.ok((await body.textContent()).includes(`"alert_subject":"Problem: ${name}"`));
  const markup = admin.page.locator('[data-test=delivery-body] b, [data-test=delivery-body] i');
  assert.equal(await markup.count(), 0);
  assert.deepEqual(admin.page.dialogs, []);
  await admin.context.close();
});
