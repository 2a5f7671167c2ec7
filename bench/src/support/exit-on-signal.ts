// Preloaded (-r) into a profiled command that may be stopped at the end of its window: exiting through
// process.exit lets `node --cpu-prof` write its profile, which a plain default SIGTERM would not.
process.once('SIGTERM', () => process.exit(143));
