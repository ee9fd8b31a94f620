/**
 * The HTML export, checked in a real browser: Debian's Chromium driven by
 * playwright-core. The page is exported by the CLI from an imported fixture
 * session whose Read result was rewritten to hold a script, then loaded from
 * its file and inspected as a reader would see it. Without Chromium this test
 * FAILS (it never skips): `.ci/run` installs it.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDuration, readSessionLog, type AgentLogEvent } from '../../src/index.js';
import { runCli } from '../cli/helpers/run.js';
import { ensureDist } from '../helpers/dist.js';
import { HOSTILE_OUTPUT, importFixtureSession } from './helpers/fixture-session.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let tmp: string;
let context: BrowserContext | undefined;
let page: Page;
let events: AgentLogEvent[];
let htmlFile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: the HTML export must be checked in a real browser. ` +
        'Install it with `apt-get update && apt-get install -y chromium` (.ci/run does this).',
    );
  }
  await ensureDist();
  tmp = await mkdtemp(join(tmpdir(), 'asl-html-browser-'));
  const s = await importFixtureSession(tmp, { hostile: true });
  events = [];
  for await (const ev of readSessionLog(s.logPath)) events.push(ev);
  htmlFile = join(tmp, 'out', 'session.html');
  const r = await runCli(['export', '6520713d', '--logs-dir', s.logs, '--home', s.home, '--output', htmlFile], { home: s.home });
  if (r.code !== 0) throw new Error(`export failed (${r.code}): ${r.stderr}`);

  context = await chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), 'asl-chromium-profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1100, height: 900 },
  });
  page = await context.newPage();
  await page.goto(pathToFileURL(htmlFile).href);
}, 240_000);

afterAll(async () => {
  await context?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('HTML export in Chromium', () => {
  it('shows the conversation: every user and assistant text, in order', async () => {
    const shown = await page.locator('article.msg .text').allInnerTexts();
    const expected = events.flatMap((e) => (e.type === 'user_message' || e.type === 'assistant_message' ? [e.content] : []));
    expect(shown).toEqual(expected);
    expect(await page.locator('h1').innerText()).toBe('add a mul() function to src/math.js');
    expect(await page.title()).toBe('add a mul() function to src/math.js');
  });

  it('pairs each tool call with its own result', async () => {
    const calls = events.filter((e) => e.type === 'tool_call');
    expect(await page.locator('section.tool').count()).toBe(calls.length);
    for (const [i, call] of calls.entries()) {
      if (call.type !== 'tool_call') continue;
      const result = events.find((e) => e.type === 'tool_result' && e.tool_id === call.tool_id);
      if (result?.type !== 'tool_result') throw new Error('fixture call without result');
      const section = page.locator(`#tool-${i + 1}`);
      expect(await section.locator('.who b').innerText()).toBe(`Tool ${i + 1}: ${call.tool_name}`);
      // textContent: the result is in the section even where it is collapsed.
      expect(await section.locator('details.tool-result pre').textContent()).toBe(result.output);
    }
  });

  it('shows hostile markup as text: no script runs, nothing is injected', async () => {
    const pwned = await page.evaluate(() => (globalThis as unknown as { __pwned?: boolean }).__pwned === true);
    expect(pwned).toBe(false);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#tool-2 details.tool-result pre').textContent()).toBe(HOSTILE_OUTPUT);
  });

  it('collapses long results (and reasoning) in <details>, and opens them on a click', async () => {
    const long = page.locator('#tool-2 details.tool-result');
    expect(await long.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(false);
    expect(await long.locator('pre').isVisible()).toBe(false);
    const short = page.locator('#tool-3 details.tool-result');
    expect(await short.evaluate((d) => (d as unknown as { open: boolean }).open)).toBe(true);
    expect(await short.locator('pre').innerText()).toBe('2');

    await long.locator('summary').click();
    expect(await long.locator('pre').isVisible()).toBe(true);
    expect(await long.locator('pre').innerText()).toContain('<script>window.__pwned = true;');

    const reasoning = page.locator('details.reasoning');
    expect(await reasoning.count()).toBe(1);
    expect(await reasoning.locator('.text').isVisible()).toBe(false);
    await reasoning.locator('summary').click();
    expect(await reasoning.locator('.text').innerText()).toBe('The edit applied cleanly; summarise.');
  });

  it('has a timeline with one row per tool call and its duration (call to result)', async () => {
    const rows = page.locator('.timeline .tl-row');
    const calls = events.filter((e) => e.type === 'tool_call');
    expect(await rows.count()).toBe(calls.length);
    for (const [i, call] of calls.entries()) {
      if (call.type !== 'tool_call') continue;
      const result = events.find((e) => e.type === 'tool_result' && e.tool_id === call.tool_id)!;
      const row = rows.nth(i);
      expect(await row.locator('a').innerText()).toContain(call.tool_name);
      expect(await row.locator('a').getAttribute('href')).toBe(`#tool-${i + 1}`);
      expect(await row.locator('.tl-dur').innerText()).toBe(formatDuration(Date.parse(result.ts) - Date.parse(call.ts)));
      // Every bar is drawn, even for an instant call.
      const box = await row.locator('.tl-bar').boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(0);
    }
  });

  it('renders to a screenshot (a non-empty PNG)', async () => {
    const shot = join(tmp, 'session.png');
    await page.screenshot({ path: shot, fullPage: true });
    const bytes = await readFile(shot);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect((await stat(shot)).size).toBeGreaterThan(10_000);
    // To look at it: ASL_KEEP_SCREENSHOT=/some/file.png npx vitest run test/transcript/html-browser.test.ts
    const keep = process.env.ASL_KEEP_SCREENSHOT;
    if (keep) await copyFile(shot, keep);
  });
});
