export { SessionLogCoordinator } from './coordinator.js';
export {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_FINISH_TIMEOUT_MS,
  type SessionLogCoordinatorOptions,
} from './options.js';
