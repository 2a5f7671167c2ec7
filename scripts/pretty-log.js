// The services' pino JSON lines made readable for the terminal of `npm start` (one line each, level and service
// first, as pino-pretty prints them). The JSON itself still goes to .run/logs/<service>.log untouched, and in
// production the services write plain JSON to stdout.
'use strict';

const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const NAMES = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const COLORS = { 10: 90, 20: 34, 30: 32, 40: 33, 50: 31, 60: 35 };
// Fields every line has, or that are shown in their own place.
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'service', 'context', 'msg', 'req', 'res', 'err', 'responseTime']);
// Nest's start-up chatter (one line per module and route): kept in the log file, left out of the terminal.
const QUIET_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** The lowest level the terminal shows: NEWSROOM_CONSOLE_LEVEL (trace..fatal), info by default. */
function consoleLevel(env = process.env) {
  return NAMES[(env.NEWSROOM_CONSOLE_LEVEL || 'info').toLowerCase()] ?? 30;
}

const clock = (ms) => {
  const d = new Date(ms);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
};

function value(v) {
  const s = typeof v === 'string' ? (/[\s"=]/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

/**
 * One service output line for the terminal, or null when it is not to be shown there (below `minLevel`, Nest's
 * start-up chatter, blank). Lines that are not JSON (a crash before the logger) are shown as they are.
 */
function formatLogLine(service, line, { color = false, minLevel = 30 } = {}) {
  if (!line.trim()) return null;
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    entry = null;
  }
  if (!entry || typeof entry !== 'object' || typeof entry.level !== 'number') return `${'OUT'.padEnd(5)} ${service.padEnd(9)} ${line}`;
  if (entry.level < minLevel || (entry.level < 40 && QUIET_CONTEXTS.has(entry.context))) return null;
  const name = (LEVELS[entry.level] ?? String(entry.level)).padEnd(5);
  const level = color ? `\x1b[${COLORS[entry.level] ?? 0}m${name}\x1b[0m` : name;
  const parts = [level, (entry.service || service).padEnd(9)];
  if (entry.time) parts.push(clock(entry.time));
  if (entry.context) parts.push(`[${entry.context}]`);
  if (entry.msg !== undefined) parts.push(String(entry.msg).replace(/\s*\n\s*/g, ' '));
  if (entry.req && typeof entry.req === 'object') {
    const status = entry.res && entry.res.statusCode !== undefined ? ` -> ${entry.res.statusCode}` : '';
    parts.push(`${entry.req.method} ${entry.req.url}${status}${entry.responseTime !== undefined ? ` (${entry.responseTime} ms)` : ''}`);
  }
  const extras = Object.keys(entry)
    .filter((k) => !SHOWN.has(k) && entry[k] !== undefined)
    .map((k) => `${k}=${value(entry[k])}`);
  parts.push(...extras);
  if (entry.err && typeof entry.err === 'object') parts.push(`err=${value(`${entry.err.type || 'Error'}: ${entry.err.message}`)}`);
  return parts.join(' ');
}

module.exports = { formatLogLine, consoleLevel };
