/**
 * The providers this version has adapters for, in the order imports run. In a
 * module of its own so that the command line can check a `--provider` value
 * without loading the four parsers.
 */
export const PROVIDER_NAMES = ['claude', 'codex', 'gemini', 'copilot'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}
