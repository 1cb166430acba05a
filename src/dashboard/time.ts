/**
 * Days and instants in the consortium's calendar (China Standard Time, UTC+8, unless configured), with the
 * oracle's calendar helpers so the dashboard and the oracle agree on what day a maturity falls on.
 */
import { dayAt, formatDay, formatInstant } from "../oracle/checks/dates.js";

export class Calendar {
  readonly utcOffsetSeconds: number;

  constructor(readonly utcOffsetMinutes: number) {
    this.utcOffsetSeconds = utcOffsetMinutes * 60;
  }

  /** Unix seconds → "2035-06-08", the calendar day containing that instant. */
  day(unixSeconds: number): string {
    return formatDay(dayAt(unixSeconds, this.utcOffsetSeconds));
  }

  /** Unix seconds → "2035-06-08 10:00:00 UTC+08:00". */
  instant(unixSeconds: number): string {
    return formatInstant(unixSeconds, this.utcOffsetSeconds);
  }

  /** "UTC+08:00": the zone the pages show days in. */
  get zone(): string {
    return this.instant(0).split(" ").at(-1)!;
  }
}
