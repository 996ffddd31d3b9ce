// Formatting for people: times in the browser's time zone, sizes, errors, device names.

import { h } from './dom.js';
import { ApiError } from './api.js';

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
export const fullDateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
export const shortDateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
const dayYearFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
const shortDayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

const UNITS = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['week', 7 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];

export function relativeTime(date, now = Date.now()) {
  const seconds = Math.round((date.getTime() - now) / 1000);
  // Small clock differences between server and device would otherwise read "in 3 seconds".
  if (seconds > -45) return 'just now';
  const abs = -seconds;
  for (const [unit, size] of UNITS) {
    if (abs >= size || unit === 'minute') return relativeFormat.format(-Math.max(1, Math.round(abs / size)), unit);
  }
  return 'just now';
}

export function timeElement(iso) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return h('span', { text: 'Unknown' });
  return h('time', { datetime: iso, title: fullDateFormat.format(date), 'data-relative': '', text: relativeTime(date) });
}

export function refreshRelativeTimes() {
  const now = Date.now();
  for (const node of document.querySelectorAll('time[data-relative]')) {
    node.textContent = relativeTime(new Date(node.getAttribute('datetime')), now);
  }
}

/** "3:07 PM" in the browser's time zone. */
export function clockTime(date) {
  return clockFormat.format(date);
}

/** A calendar day in the browser's time zone, as a sortable key. */
export function dayKey(date) {
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

/** "Today", "Yesterday", "Monday, June 3" or, in another year, with the year. */
export function dayLabel(date, now = new Date()) {
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (dayKey(date) === dayKey(now)) return 'Today';
  if (dayKey(date) === dayKey(yesterday)) return 'Yesterday';
  return date.getFullYear() === now.getFullYear() ? dayFormat.format(date) : dayYearFormat.format(date);
}

/** "3:07 PM" today, "Jun 3" otherwise: for compact lists such as search results. */
export function compactTime(date, now = new Date()) {
  return dayKey(date) === dayKey(now) ? clockFormat.format(date) : shortDayFormat.format(date);
}

export function formatBytes(n) {
  const size = Number(n);
  if (!Number.isFinite(size) || size < 0) return '';
  if (size < 1024) return `${size} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = size / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** A readable device name from a User-Agent string, e.g. "Chrome on Linux". */
export function describeUserAgent(userAgent) {
  const ua = (userAgent ?? '').trim();
  if (!ua) return { name: 'Unknown device', kind: 'desktop' };

  const tools = [
    [/\bcurl\//i, 'curl'],
    [/\bWget\//i, 'Wget'],
    [/\bHTTPie\//i, 'HTTPie'],
    [/\bPostmanRuntime\//i, 'Postman'],
    [/\binsomnia\//i, 'Insomnia'],
    [/\bokhttp\//i, 'OkHttp'],
    [/\bJava-http-client\b|^Java\//i, 'Java client'],
    [/\bpython-requests\b|\bpython-urllib|\bhttpx\b|\baiohttp\b/i, 'Python script'],
    [/\bGo-http-client\b/i, 'Go client'],
    [/\bnode-fetch\b|\bundici\b|\baxios\b|^node\b/i, 'Node.js script'],
  ];
  for (const [re, name] of tools) if (re.test(ua)) return { name, kind: 'cli' };

  const browsers = [
    [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
    [/\bOPR\/|\bOpera\b/, 'Opera'],
    [/\bSamsungBrowser\//, 'Samsung Internet'],
    [/\bVivaldi\//, 'Vivaldi'],
    [/\bYaBrowser\//, 'Yandex Browser'],
    [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
    [/\bHeadlessChrome\//, 'Headless Chrome'],
    [/\bChromium\//, 'Chromium'],
    [/\bChrome\/|\bCriOS\//, 'Chrome'],
    [/\bVersion\/[\d.]+.*\bSafari\/|\bAppleWebKit\/.*\bMobile\//, 'Safari'],
  ];
  const systems = [
    [/\biPhone\b/, 'iPhone'],
    [/\biPad\b/, 'iPad'],
    [/\biPod\b/, 'iPod'],
    [/\bAndroid\b/, 'Android'],
    [/\bCrOS\b/, 'ChromeOS'],
    [/\bWindows Phone\b/, 'Windows Phone'],
    [/\bWindows\b/, 'Windows'],
    [/\bMacintosh\b|\bMac OS X\b/, 'macOS'],
    [/\bLinux\b|\bX11\b/, 'Linux'],
    [/\b(?:Free|Open|Net)BSD\b/, 'BSD'],
  ];
  const browser = browsers.find(([re]) => re.test(ua))?.[1];
  const os = systems.find(([re]) => re.test(ua))?.[1];
  const mobile = /\b(?:iPhone|iPod|iPad|Mobile|Android|Windows Phone)\b/.test(ua);
  const kind = mobile ? 'phone' : 'desktop';

  if (browser && os) return { name: `${browser} on ${os}`, kind };
  if (browser) return { name: browser, kind };
  if (os) return { name: `Browser on ${os}`, kind };
  return { name: ua.length > 80 ? `${ua.slice(0, 77)}…` : ua, kind: 'desktop' };
}

// Server details are lower-case phrases; this is for when one follows a sentence of ours.
export const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);

export function describeError(err) {
  if (!(err instanceof ApiError)) return 'Something went wrong. Please try again.';
  if (err.status === 429) {
    const n = err.retryAfter;
    return n == null
      ? 'Too many attempts. Please wait a moment and try again.'
      : `Too many attempts. Try again in ${n} ${n === 1 ? 'second' : 'seconds'}.`;
  }
  // A request id lets an administrator find the failure in the server log.
  if (err.status >= 500 && err.requestId) return `${err.detail} (Request ID: ${err.requestId})`;
  return err.detail;
}

export function displayNameOf(user) {
  return user?.displayName?.trim() || user?.username || '';
}

/** The first letter or digit of a name, for avatars. */
export function initialOf(name) {
  return (String(name ?? '').match(/\p{L}|\p{N}/u)?.[0] ?? '?').toUpperCase();
}
