import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createGeminiSnapshotParser } from '../../../src/providers/index.js';
import { fixtureFiles } from './scan.js';
import { legacySnapshots } from './snapshots.js';

const legacy = fixtureFiles().filter((f) => f.path.endsWith('.json'));

describe('Gemini legacy snapshot parser', () => {
  it('has legacy fixtures to work on', () => expect(legacy.length).toBeGreaterThan(0));

  for (const file of legacy) {
    it(`${file.name}: successive rewrites emit exactly what the final document holds, in the same order`, () => {
      const text = readFileSync(file.path, 'utf8');
      const once = createGeminiSnapshotParser();
      const expected = [...once.pushText(text), ...once.end()];

      const docs = legacySnapshots(JSON.parse(text));
      expect(docs.length).toBeGreaterThan(JSON.parse(text).messages.length);
      const live = createGeminiSnapshotParser();
      const got = docs.flatMap((d) => live.pushText(JSON.stringify(d, null, 2)));
      // Re-reading an unchanged document adds nothing.
      got.push(...live.pushText(text), ...live.end());
      expect(got).toEqual(expected);
      expect(live.meta).toEqual(once.meta);
    });
  }

  it('emits a gemini message as soon as its tokens are in, and the rest as it arrives', () => {
    const base = { sessionId: 's', projectHash: 'h', startTime: '2025-06-01T10:00:00Z', lastUpdated: '2025-06-01T10:00:00Z' };
    const u = { id: 'u1', type: 'user', content: 'hi' };
    const g = { id: 'g1', type: 'gemini', content: 'hello', model: 'm' };
    const p = createGeminiSnapshotParser();
    const types = (doc: object) => p.pushSnapshot(doc).map(([, e]) => e.type);
    expect(types({ ...base, messages: [u] })).toEqual(['user_message']);
    expect(types({ ...base, messages: [u, g] })).toEqual([]);
    expect(types({ ...base, messages: [u, { ...g, tokens: { input: 3, output: 1 } }] })).toEqual([
      'provider_status',
      'assistant_message',
      'usage',
    ]);
    const call = { id: 'c1', name: 'read_file', args: { file_path: 'a' }, status: 'executing' };
    expect(types({ ...base, messages: [u, { ...g, tokens: { input: 3, output: 1 }, toolCalls: [call] }] })).toEqual(['tool_call']);
    const done = { ...call, status: 'success', result: [{ functionResponse: { id: 'c1', name: 'read_file', response: { output: 'x' } } }] };
    expect(types({ ...base, messages: [u, { ...g, tokens: { input: 3, output: 1 }, toolCalls: [done] }] })).toEqual(['tool_result']);
    expect(p.end()).toEqual([]);
  });

  it('holds what a document without any readable time makes until a time is read, then gives it that time', () => {
    const p = createGeminiSnapshotParser();
    const u = { id: 'u1', type: 'user', content: 'hi' };
    expect(p.pushSnapshot({ sessionId: 's', messages: [u] })).toEqual([]);
    const later = p.pushSnapshot({ sessionId: 's', messages: [u, { id: 'i1', type: 'info', content: 'note', timestamp: '2025-06-01T10:00:01Z' }] });
    expect(later.map(([, e, ts]) => [e.type, ts])).toEqual([
      ['user_message', '2025-06-01T10:00:01.000Z'],
      ['provider_status', '2025-06-01T10:00:01.000Z'],
    ]);
  });

  it('reports a document that does not parse as one parse_warning with its text, and recovers', () => {
    const p = createGeminiSnapshotParser();
    // A first version gives the file a time; events of later ones then need not wait for one.
    expect(p.pushText(JSON.stringify({ sessionId: 's', startTime: '2025-06-01T10:00:00Z', messages: [] }))).toEqual([]);
    const broken = '{"sessionId":"s","messages":[{"id":"u1","ty';
    const at = '2025-06-01T10:00:00.000Z';
    expect(p.pushText(broken)).toMatchObject([[ 'provider_file', { type: 'parse_warning', raw: broken }, at ]]);
    expect(p.pushText('"just a string"')).toMatchObject([[ 'provider_file', { type: 'parse_warning' }, at ]]);
    expect(p.pushText(JSON.stringify({ sessionId: 's', messages: [{ id: 'u1', type: 'user', content: 'ok' }, 7] })).map(([, e]) => e.type)).toEqual([
      'user_message',
      'provider_status',
    ]);
  });
});
