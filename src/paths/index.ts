export { logsDir, findGitRoot, sanitizeProjectPath, zagBaseDir, type LogsDirOptions } from './logs-dir.js';
