import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

async function collect(dir: string, out: string[]): Promise<string[]> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await collect(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/**
 * Child processes cannot import TypeScript. This strips the types of `src/`
 * and of the given test files (no type check, so another module being edited
 * right now cannot break it) into a temp folder laid out like the repo, with
 * `node_modules` linked, and returns that folder. `remove()` deletes it.
 */
export async function transpileForChild(extraFiles: string[] = []): Promise<{ root: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'asl-child-'));
  await writeFile(join(root, 'package.json'), '{"type":"module"}\n');
  await symlink(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  const files = await collect(join(REPO, 'src'), []);
  for (const f of extraFiles) files.push(join(REPO, f));
  for (const file of files) {
    const out = join(root, relative(REPO, file)).replace(/\.ts$/, '.js');
    const js = ts.transpileModule(await readFile(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: file,
    }).outputText;
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, js);
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}
