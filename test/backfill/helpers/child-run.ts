/**
 * Child process for the concurrency test: loads the library, says `ready`,
 * waits for one line on stdin (so that several children start at the same
 * moment), runs one backfill of `<home>` into `<logsDir>` and prints the result.
 */
import { defaultHistoricalAdapters, runBackfill } from '../../../src/index.js';

const [logsDir, home] = process.argv.slice(2);
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  runBackfill(logsDir!, null, defaultHistoricalAdapters({ home: home! })).then(
    (result) => {
      process.stdout.write(JSON.stringify(result) + '\n');
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(String(err) + '\n');
      process.exit(1);
    },
  );
});
