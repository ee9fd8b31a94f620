import { describe, expect, it } from 'vitest';
import {
  ClaudeLiveLogAdapter,
  CodexLiveLogAdapter,
  CopilotLiveLogAdapter,
  GeminiLiveLogAdapter,
  defaultHistoricalAdapters,
  liveAdapterForProvider,
} from '../../src/index.js';

const ctx = { startedAt: new Date(), workspacePath: '/tmp/nowhere', home: '/tmp/nowhere-home' };

describe('provider registry', () => {
  it('returns each provider live adapter when live capture is on', () => {
    expect(liveAdapterForProvider('claude', ctx, true)).toBeInstanceOf(ClaudeLiveLogAdapter);
    expect(liveAdapterForProvider('codex', ctx, true)).toBeInstanceOf(CodexLiveLogAdapter);
    expect(liveAdapterForProvider('gemini', ctx, true)).toBeInstanceOf(GeminiLiveLogAdapter);
    expect(liveAdapterForProvider('copilot', ctx, true)).toBeInstanceOf(CopilotLiveLogAdapter);
  });

  it('returns null when live capture is off or the provider is unknown', () => {
    expect(liveAdapterForProvider('claude', ctx, false)).toBeNull();
    expect(liveAdapterForProvider('ollama', ctx, true)).toBeNull();
    expect(liveAdapterForProvider('', ctx, true)).toBeNull();
  });

  it('gives the four historical adapters, or the ones asked for', () => {
    expect(defaultHistoricalAdapters({ home: '/tmp/x' }).map((a) => a.provider)).toEqual([
      'claude',
      'codex',
      'gemini',
      'copilot',
    ]);
    expect(defaultHistoricalAdapters({ providers: ['copilot', 'nope', 'codex'] }).map((a) => a.provider)).toEqual([
      'copilot',
      'codex',
    ]);
  });
});
