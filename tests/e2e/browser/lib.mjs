// Shared setup of the browser tests: the Chromium launch, demo logins, screenshots and the
// Zabbix webhook. tests/e2e/browser.sh starts the server and sets the environment below.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

/** Base URL of the running `vitrina serve --demo`, without a trailing slash. */
export const BASE_URL = requiredEnv('VITRINA_URL');

/** The password of every demo user (crates/vitrina/src/demo/mod.rs). */
export const DEMO_PASSWORD = 'vitrina-demo-2026';

/** Flags for a headless run without sandbox, GPU, background services or first-run UI. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set; run the suite with bash tests/e2e/browser.sh`);
  }
  return value.replace(/\/$/, '');
}

/**
 * Launches headless Chromium. `launch` gives the browser a new temporary profile
 * directory, which Playwright deletes when the browser closes.
 */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * Opens a new context with a page that records every JavaScript dialog (alert, confirm,
 * prompt) in `dialogs` and dismisses it, so a test can assert that none fired.
 */
export async function newPage(browser) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    viewport: { width: 1280, height: 900 },
    locale: 'ru-RU',
  });
  // Pages respond within milliseconds here, so a wait this long means a broken page.
  context.setDefaultTimeout(10_000);
  await context.addInitScript(countHtmxSwaps);
  const page = await context.newPage();
  watchDialogs(page);
  return { context, page };
}

/** Counts finished htmx swaps in `window.htmxSettled`. It runs in every page before its scripts. */
function countHtmxSwaps() {
  window.htmxSettled = 0;
  document.addEventListener('htmx:afterSettle', () => {
    window.htmxSettled += 1;
  });
}

/**
 * Runs `action` (a click, a select, a check) and waits until htmx has swapped in the
 * response. htmx fires `htmx:afterSettle` for every swapped element in one loop, so the count
 * has grown past its old value only once the whole response is in place.
 */
export async function afterSwap(page, action) {
  const before = await page.evaluate(() => window.htmxSettled);
  await action();
  // Polling by timer: animation frames, the default, are throttled in a tab that is not in front.
  await page.waitForFunction((count) => window.htmxSettled > count, before, { polling: 50 });
}

/**
 * Runs `action` (a click that submits a form) and waits until a new document has loaded.
 * The URL cannot tell, because a form may redirect back to the address it was sent from.
 */
export async function afterNavigation(page, action) {
  await page.evaluate(() => {
    window.replacedByNavigation = true;
  });
  await action();
  await page.waitForFunction(() => window.replacedByNavigation !== true, null, { polling: 50 });
  await page.waitForLoadState('load');
}

/** Records and dismisses the dialogs a page opens, in `page.dialogs`. */
export function watchDialogs(page) {
  page.dialogs = [];
  page.on('dialog', async (dialog) => {
    page.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss();
  });
}

/** Signs in through the login form and waits for the ticket list. */
export async function logIn(page, login, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.fill('#login', login);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(/\/tickets/), page.click('button[type=submit]')]);
  const user = await page.textContent('[data-test=current-user]');
  assert.match(user, new RegExp(`\\(${login}\\)`));
}

/** Saves a full-page screenshot as SCREENSHOT_DIR/NAME.png (target/screenshots by default). */
export async function screenshot(page, name) {
  const directory = process.env.SCREENSHOT_DIR || path.resolve('../../../target/screenshots');
  mkdirSync(directory, { recursive: true });
  await page.screenshot({ path: path.join(directory, `${name}.png`), fullPage: true });
}

/** Returns a suffix that makes a test's ticket titles unique within the run. */
export function uniqueSuffix() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/**
 * Creates a ticket through the "new ticket" form and returns its page's path (`/tickets/ID`).
 */
export async function createTicket(page, { title, description = '', kind, priority, queue }) {
  await page.goto('/tickets/new');
  if (kind) await page.selectOption('#kind', kind);
  if (priority) await page.selectOption('#priority', priority);
  if (queue) await page.selectOption('#queue', queue);
  await page.fill('#title', title);
  await page.fill('#description', description);
  await Promise.all([
    page.waitForURL((url) => /^\/tickets\/\d+$/.test(url.pathname)),
    page.click('[data-test=new-ticket-form] button[type=submit]'),
  ]);
  return new URL(page.url()).pathname;
}

/**
 * Posts one Zabbix problem delivery to the webhook the way the media type does: a JSON
 * object whose values are all strings. Returns the response's JSON body.
 */
export async function postZabbixProblem({ eventId, triggerId, name, hostName, host }) {
  const response = await fetch(`${BASE_URL}/api/v1/integrations/zabbix/events`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${requiredEnv('VITRINA_WEBHOOK_SECRET')}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({
      event_id: String(eventId),
      event_value: '1',
      event_source: '0',
      event_update_status: '0',
      event_severity: 'High',
      event_nseverity: '4',
      event_recovery_id: '{EVENT.RECOVERY.ID}',
      event_recovery_value: '{EVENT.RECOVERY.VALUE}',
      event_update_action: '{EVENT.UPDATE.ACTION}',
      event_update_message: '{EVENT.UPDATE.MESSAGE}',
      event_tags: '[]',
      trigger_id: String(triggerId),
      host_name: hostName,
      host_host: host,
      alert_sendto: 'vitrina',
      alert_subject: `Problem: ${name}`,
      alert_message: `Problem name: ${name}\nHost: ${hostName}\n`,
      zabbix_url: 'http://127.0.0.1/zabbix/',
      ticket_id: '{EVENT.TAGS.__zbx_vitrina_ticket_id}',
      event_ack_status: 'No',
      event_opdata: '',
    }),
  });
  const text = await response.text();
  assert.ok(response.ok, `the webhook answered ${response.status}: ${text}`);
  return JSON.parse(text);
}
