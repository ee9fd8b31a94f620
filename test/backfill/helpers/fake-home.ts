import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/**
 * A fake home directory holding the copied provider fixtures of all four
 * providers, laid out as each CLI lays out its own folder:
 * `.claude` (Claude Code), `.codex` (Codex), `.gemini` (Gemini CLI) and
 * `.copilot` (Copilot CLI). The `real/` runs are left out: each of them is a
 * whole home of its own.
 */
export async function buildFakeHome(home: string): Promise<string> {
  await mkdir(home, { recursive: true });
  const skipReal = (src: string): boolean => !/[/\\]real([/\\]|$)/.test(src.slice(FIXTURES.length));
  await cp(join(FIXTURES, 'claude'), join(home, '.claude'), { recursive: true, filter: skipReal });
  await cp(join(FIXTURES, 'codex', 'generated'), join(home, '.codex'), { recursive: true });
  await cp(join(FIXTURES, 'gemini', 'home', '.gemini'), join(home, '.gemini'), { recursive: true });
  await cp(join(FIXTURES, 'copilot'), join(home, '.copilot'), { recursive: true, filter: skipReal });
  return home;
}
