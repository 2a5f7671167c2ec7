'use strict';
// The command line of the stand-alone bench scripts (stream-length.js, idle-sse.js, projector-cost.js, ab.js).

/**
 * The value of `--name=value`, else the value after `--name` (which never starts with `--`: a value that does, as
 * bench:ab's `--args`, takes the `=` form), else `fallback`.
 */
function option(name, fallback) {
  const joined = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (joined) return joined.slice(name.length + 3);
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith('--') ? process.argv[i + 1] : fallback;
}

module.exports = { option };
