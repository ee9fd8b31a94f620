import type { HistoricalLogAdapter, LiveLogAdapter, LiveLogContext } from '../schema/index.js';
import { ClaudeHistoricalLogAdapter, ClaudeLiveLogAdapter } from './claude/index.js';
import { CodexHistoricalLogAdapter, CodexLiveLogAdapter } from './codex/index.js';
import { CopilotHistoricalLogAdapter, CopilotLiveLogAdapter } from './copilot/index.js';
import { GeminiHistoricalLogAdapter, GeminiLiveLogAdapter } from './gemini/index.js';
import { isProviderName, PROVIDER_NAMES, type ProviderName } from './names.js';

export { isProviderName, PROVIDER_NAMES, type ProviderName } from './names.js';

const LIVE: Record<ProviderName, (ctx: LiveLogContext) => LiveLogAdapter> = {
  claude: (ctx) => new ClaudeLiveLogAdapter(ctx),
  codex: (ctx) => new CodexLiveLogAdapter(ctx),
  gemini: (ctx) => new GeminiLiveLogAdapter(ctx),
  copilot: (ctx) => new CopilotLiveLogAdapter(ctx),
};

const HISTORICAL: Record<ProviderName, (options: { home?: string }) => HistoricalLogAdapter> = {
  claude: (options) => new ClaudeHistoricalLogAdapter(options),
  codex: (options) => new CodexHistoricalLogAdapter(options),
  gemini: (options) => new GeminiHistoricalLogAdapter(options),
  copilot: (options) => new CopilotHistoricalLogAdapter(options),
};

/**
 * The live adapter for `provider`, or `null` when live capture is off or the
 * provider is unknown (the coordinator then only writes wrapper events and
 * heartbeats), as zag's `live_adapter_for_provider`.
 *
 * @example
 * const adapter = liveAdapterForProvider('claude', { startedAt: new Date(), workspacePath: process.cwd() }, true);
 */
export function liveAdapterForProvider(
  provider: string,
  ctx: LiveLogContext,
  enableLive = true,
): LiveLogAdapter | null {
  if (!enableLive || !isProviderName(provider)) return null;
  return LIVE[provider](ctx);
}

/**
 * The four historical adapters (or those named in `providers`), all reading
 * under `home` when given instead of the user's home directory.
 *
 * @example
 * await runBackfill(logsDir(), null, defaultHistoricalAdapters());
 */
export function defaultHistoricalAdapters(
  options: { home?: string; providers?: readonly string[] } = {},
): HistoricalLogAdapter[] {
  const names = options.providers ?? PROVIDER_NAMES;
  const opts = options.home === undefined ? {} : { home: options.home };
  return names.filter(isProviderName).map((name) => HISTORICAL[name](opts));
}
