// Builds a fake home directory from the provider samples in test/fixtures, the
// way the agents lay out their files (~/.claude, ~/.codex, ~/.gemini, ~/.copilot).
// Used by `npm run demo` and by the CLI tests, so both import the same history.
//
// test/fixtures/<provider>/ holds samples in three layouts, all merged:
//   <provider>/               laid out like ~/.<provider> itself (minus the folders below)
//   <provider>/generated/     laid out like ~/.<provider>
//   <provider>/home/.<provider>/ and <provider>/real/<run>/.<provider>/   a home's ~/.<provider>
import { cp, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures');
export const PROVIDERS = ['claude', 'codex', 'gemini', 'copilot'];

/** Entries of a provider's fixture folder that are not part of ~/.<provider>. */
const NOT_HOME = new Set(['generated', 'home', 'real', 'README.md']);

async function isDir(path) {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function entries(path) {
  return readdir(path, { withFileTypes: true }).catch(() => []);
}

/**
 * Copies every sample of `providers` into `<home>/.<provider>` and returns the
 * list of folders copied. Later layouts overwrite files of the same name
 * (only small registries like history.jsonl or projects.json collide).
 */
export async function buildFixtureHome(home, providers = PROVIDERS) {
  const copied = [];
  for (const provider of providers) {
    const src = join(FIXTURES, provider);
    if (!(await isDir(src))) continue;
    const dest = join(home, `.${provider}`);
    await mkdir(dest, { recursive: true });
    for (const e of await entries(src)) {
      if (NOT_HOME.has(e.name) || e.name.startsWith('_')) continue;
      await cp(join(src, e.name), join(dest, e.name), { recursive: true });
    }
    const homes = [join(src, 'generated'), join(src, 'home', `.${provider}`)];
    for (const run of await entries(join(src, 'real'))) {
      if (run.isDirectory()) homes.push(join(src, 'real', run.name, `.${provider}`));
    }
    for (const h of homes) {
      if (!(await isDir(h))) continue;
      await cp(h, dest, { recursive: true });
      copied.push(h);
    }
    copied.push(src);
  }
  return copied;
}
