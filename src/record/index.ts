export { recordPrompt, recordAgentOutput } from './record.js';
export type {
  AgentOutput,
  AgentOutputEvent,
  AgentContentBlock,
  AgentToolResult,
  AgentUsage,
} from './agent-output.js';
