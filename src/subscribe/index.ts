export { subscribeSessionLogs, type SessionLogSubscription } from './subscribe.js';
export type { SubscribeSessionLogsOptions, SessionStreamItem, SubscribedSession } from './types.js';
