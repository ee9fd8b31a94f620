// Preloaded into a measured child (`node --import report-rss.mjs …`): at exit it reports the
// process's peak resident set, threads included (getrusage's ru_maxrss covers the whole
// process), as one line on stderr that the bench parses.
process.on('exit', () => {
  process.stderr.write(`\nasl-bench-rss ${process.resourceUsage().maxRSS * 1024}\n`);
});
