'use strict';
// The command line of the stand-alone bench scripts (stream-length.js, idle-sse.js, projector-cost.js).

/** The value after `--name` on the command line, or `fallback` when it is absent (a value never starts with `--`). */
function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith('--') ? process.argv[i + 1] : fallback;
}

module.exports = { option };
