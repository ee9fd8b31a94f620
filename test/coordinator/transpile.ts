import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/**
 * Transpiles src/ (types stripped, no type check) into a fresh temp folder
 * that child processes can import as plain ESM: `<root>/src/index.js`.
 * Unlike `npm run build`, it needs no dist, cannot be stale, and does not
 * depend on every other module type-checking at this moment.
 */
export async function transpileSrc(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'coord-src-'));
  await writeFile(join(root, 'package.json'), '{"type":"module"}\n');
  await symlink(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  for await (const file of tsFiles(join(REPO, 'src'))) {
    const out = join(root, relative(REPO, file)).replace(/\.ts$/, '.js');
    const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
      fileName: file,
    });
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, outputText);
  }
  return root;
}
