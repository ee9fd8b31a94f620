export { SUBAGENT_PREFIX, markSubagent, subagentOf } from './shared/subagent.js';
export * from './gemini/index.js';
export * from './copilot/index.js';
export * from './codex/index.js';
export * from './claude/index.js';
export * from './registry.js';
