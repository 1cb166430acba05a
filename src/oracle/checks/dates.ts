/**
 * Calendar days of trade documents ("2026-10-05") and the oracle's clock. A document date is a day in the
 * consortium's calendar (China Standard Time), not an instant, so it is compared with "today" in that
 * calendar, never with `now` directly.
 */
import type { CheckFailure } from "./failures.js";

/** A real day of the proleptic Gregorian calendar. */
export interface CalendarDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The oracle's clock: unix seconds, and the calendar's offset east of UTC in seconds. */
export interface Clock {
  readonly now: number;
  readonly utcOffsetSeconds: number;
}

const SECONDS_PER_DAY = 86_400;

// Exactly "YYYY-MM-DD" in ASCII digits: no sign, no time, no surrounding space (`$` does not match before "\n" in JS).
const DAY_FORMAT = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** "2026-10-05" → the day; null unless the text is exactly YYYY-MM-DD and names a day that exists. */
export function parseDay(text: string): CalendarDay | null {
  const match = DAY_FORMAT.exec(text);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

export function formatDay({ year, month, day }: CalendarDay): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Days since 1970-01-01. `setUTCFullYear`, unlike `Date.UTC`, does not map years 0–99 to 1900–1999. */
export function epochDayOf({ year, month, day }: CalendarDay): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / 1000 / SECONDS_PER_DAY);
}

/** Negative, zero or positive as `a` is before, on or after `b`. */
export function compareDays(a: CalendarDay, b: CalendarDay): number {
  return epochDayOf(a) - epochDayOf(b);
}

/** The unix second at which `day` begins in a calendar `utcOffsetSeconds` east of UTC. */
export function startOfDay(day: CalendarDay, utcOffsetSeconds: number): number {
  return epochDayOf(day) * SECONDS_PER_DAY - utcOffsetSeconds;
}

/** The calendar day that contains the instant `unixSeconds`. */
export function dayAt(unixSeconds: number, utcOffsetSeconds: number): CalendarDay {
  const date = new Date((unixSeconds + utcOffsetSeconds) * 1000);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** The oracle's current calendar day. */
export function today(clock: Clock): CalendarDay {
  return dayAt(clock.now, clock.utcOffsetSeconds);
}

/** True when `day` is later than the oracle's current calendar day (today itself is not in the future). */
export function isAfterToday(day: CalendarDay, clock: Clock): boolean {
  return compareDays(day, today(clock)) > 0;
}

/** 1790000000 → "2026-09-21 22:13:20 UTC+08:00", an instant in the calendar's zone, for messages. */
export function formatInstant(unixSeconds: number, utcOffsetSeconds: number): string {
  const local = new Date((unixSeconds + utcOffsetSeconds) * 1000);
  const two = (value: number) => String(value).padStart(2, "0");
  const time = `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`;
  const offset = Math.abs(utcOffsetSeconds);
  const zone = `UTC${utcOffsetSeconds < 0 ? "-" : "+"}${two(Math.floor(offset / 3600))}:${two(Math.floor((offset % 3600) / 60))}`;
  return `${formatDay(dayAt(unixSeconds, utcOffsetSeconds))} ${time} ${zone}`;
}

/** 31_626_000 → "366 days 1 h", a length of time for messages (whole days when exact). */
export function formatDuration(seconds: number): string {
  const days = Math.floor(seconds / SECONDS_PER_DAY);
  const rest = seconds - days * SECONDS_PER_DAY;
  const dayText = `${days} day${days === 1 ? "" : "s"}`;
  if (rest === 0) return dayText;
  const hours = Math.floor(rest / 3600);
  const minutes = Math.floor((rest % 3600) / 60);
  const secs = rest % 60;
  const time = secs !== 0 ? `${hours} h ${minutes} min ${secs} s` : minutes !== 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return days === 0 ? time : `${dayText} ${time}`;
}

/**
 * Parses a document date and reports DATE_INVALID (not a real YYYY-MM-DD day) or DATE_IN_FUTURE (later
 * than today) into `failures`. `subject` opens the message ("Invoice 26442000000012345678").
 * Returns the day when it parses, even if it lies in the future, so that later checks can compare it.
 */
export function checkDocumentDate(text: string, path: string, subject: string, clock: Clock, failures: CheckFailure[]): CalendarDay | null {
  const day = parseDay(text);
  if (day === null) {
    failures.push({
      code: "DATE_INVALID",
      path,
      message: `${subject} has date ${JSON.stringify(text)}, which is not a real calendar day written YYYY-MM-DD.`,
    });
    return null;
  }
  if (isAfterToday(day, clock)) {
    failures.push({ code: "DATE_IN_FUTURE", path, message: `${subject} is dated ${text}, after today (${formatDay(today(clock))}).` });
  }
  return day;
}
