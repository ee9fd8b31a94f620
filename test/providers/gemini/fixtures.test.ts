import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGeminiJsonlParser, createGeminiSnapshotParser } from '../../../src/providers/index.js';
import type { LogEventInput } from '../../../src/index.js';
import { assertMatchesSource } from './expect-source.js';
import { fixtureFiles, scan } from './scan.js';

function parseFile(path: string): LogEventInput[] {
  const text = readFileSync(path, 'utf8');
  if (path.endsWith('.json')) {
    const p = createGeminiSnapshotParser({ source: 'backfill' });
    return [...p.pushText(text), ...p.end()].map(([, e]) => e);
  }
  const p = createGeminiJsonlParser({ source: 'backfill' });
  const out = text.split('\n').flatMap((line) => p.push(line));
  return [...out, ...p.end()].map(([, e]) => e);
}

describe('Gemini parsers on every fixture session file', () => {
  const files = fixtureFiles();

  it('finds the JSONL and legacy fixtures', () => {
    expect(files.some((f) => f.path.endsWith('.jsonl'))).toBe(true);
    expect(files.some((f) => f.path.endsWith('.json'))).toBe(true);
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of files) {
    it(`${file.name}: every prompt, text, thought, tool call/result and token once`, () => {
      const want = scan(file.path);
      expect(want.prompts.length).toBeGreaterThan(0);
      assertMatchesSource(parseFile(file.path), want);
    });
  }
});
