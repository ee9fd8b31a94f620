export { readSessionLog, type ReadSessionLogOptions } from './read.js';
export { followSessionLog, type FollowSessionLogOptions } from './follow.js';
export { SessionLogLineError } from './errors.js';
