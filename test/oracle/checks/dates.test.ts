import { expect } from "chai";
import {
  checkDocumentDate,
  compareDays,
  dayAt,
  epochDayOf,
  formatDay,
  formatDuration,
  formatInstant,
  isAfterToday,
  parseDay,
  startOfDay,
  today,
} from "../../../src/oracle/checks/dates.js";
import type { CheckFailure } from "../../../src/oracle/checks/failures.js";

const CST = 8 * 3600;
const utc = (...parts: [number, number, number, number?, number?, number?]) => Date.UTC(...parts) / 1000;

describe("oracle/checks/dates", function () {
  describe("parseDay()", function () {
    for (const [text, year, month, day] of [
      ["2026-01-05", 2026, 1, 5],
      ["2026-12-31", 2026, 12, 31],
      ["2024-02-29", 2024, 2, 29],
      ["2000-02-29", 2000, 2, 29],
      ["2026-04-30", 2026, 4, 30],
      ["0050-03-01", 50, 3, 1],
    ] as const) {
      it(`accepts ${text}`, function () {
        expect(parseDay(text)).to.deep.equal({ year, month, day });
      });
    }

    it("refuses days that do not exist", function () {
      for (const text of ["2026-02-29", "1900-02-29", "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-12-32"]) {
        expect(parseDay(text), text).to.equal(null);
      }
    });

    it("refuses anything but exactly YYYY-MM-DD in ASCII digits", function () {
      for (const text of [
        "2026-1-5",
        "2026-01-5",
        " 2026-01-05",
        "2026-01-05 ",
        "2026-01-05\n",
        "2026/01/05",
        "20260105",
        "2026-01-05T00:00",
        "+2026-01-05",
        "26-01-05",
        "２０２６-０１-０５",
        "",
        "yyyy-mm-dd",
      ]) {
        expect(parseDay(text), JSON.stringify(text)).to.equal(null);
      }
    });

    it("round-trips through formatDay()", function () {
      expect(formatDay(parseDay("0050-03-01")!)).to.equal("0050-03-01");
      expect(formatDay(parseDay("2026-11-22")!)).to.equal("2026-11-22");
    });
  });

  describe("calendar arithmetic", function () {
    it("counts days from 1970-01-01, years below 100 included", function () {
      expect(epochDayOf({ year: 1970, month: 1, day: 1 })).to.equal(0);
      expect(epochDayOf({ year: 2026, month: 11, day: 22 })).to.equal(utc(2026, 10, 22) / 86_400);
      // 719,162 days from 0001-01-01 to 1970-01-01; Date.UTC would read year 50 as 1950.
      expect(epochDayOf({ year: 1, month: 1, day: 1 })).to.equal(-719_162);
      expect(epochDayOf({ year: 50, month: 1, day: 1 })).to.equal(-719_162 + 49 * 365 + 12);
    });

    it("orders days", function () {
      expect(compareDays(parseDay("2026-03-01")!, parseDay("2026-02-28")!)).to.equal(1);
      expect(compareDays(parseDay("2026-02-28")!, parseDay("2026-02-28")!)).to.equal(0);
      expect(compareDays(parseDay("2025-12-31")!, parseDay("2026-01-01")!)).to.be.below(0);
    });

    it("starts a day at local midnight of the calendar's offset", function () {
      expect(startOfDay(parseDay("2026-01-05")!, CST)).to.equal(utc(2026, 0, 4, 16));
      expect(startOfDay(parseDay("2026-01-05")!, 0)).to.equal(utc(2026, 0, 5));
      expect(startOfDay(parseDay("2026-01-05")!, -5 * 3600)).to.equal(utc(2026, 0, 5, 5));
    });

    it("finds the local day of an instant", function () {
      expect(dayAt(utc(2026, 10, 21, 15, 59, 59), CST)).to.deep.equal({ year: 2026, month: 11, day: 21 });
      expect(dayAt(utc(2026, 10, 21, 16), CST)).to.deep.equal({ year: 2026, month: 11, day: 22 });
      expect(today({ now: utc(2026, 11, 31, 16), utcOffsetSeconds: CST })).to.deep.equal({ year: 2027, month: 1, day: 1 });
    });
  });

  describe("isAfterToday()", function () {
    const day = parseDay("2026-11-22")!;

    it("is false for today from its first second in China Standard Time", function () {
      expect(isAfterToday(day, { now: utc(2026, 10, 21, 16), utcOffsetSeconds: CST })).to.equal(false);
      expect(isAfterToday(day, { now: utc(2026, 10, 22, 15, 59, 59), utcOffsetSeconds: CST })).to.equal(false);
    });

    it("is true up to the last second of the day before", function () {
      expect(isAfterToday(day, { now: utc(2026, 10, 21, 15, 59, 59), utcOffsetSeconds: CST })).to.equal(true);
      // The same instant is already 2026-11-22 in CST but still 2026-11-21 in UTC.
      expect(isAfterToday(day, { now: utc(2026, 10, 21, 20), utcOffsetSeconds: 0 })).to.equal(true);
      expect(isAfterToday(day, { now: utc(2026, 10, 21, 20), utcOffsetSeconds: CST })).to.equal(false);
    });

    it("is false for past days", function () {
      expect(isAfterToday(parseDay("2020-01-01")!, { now: utc(2026, 10, 22), utcOffsetSeconds: CST })).to.equal(false);
    });
  });

  describe("checkDocumentDate()", function () {
    const clock = { now: utc(2026, 10, 22, 2), utcOffsetSeconds: CST };

    it("returns the day and reports nothing for a past or present date", function () {
      const failures: CheckFailure[] = [];
      expect(checkDocumentDate("2026-11-22", "/contract/date", "The contract", clock, failures)).to.deep.equal({ year: 2026, month: 11, day: 22 });
      expect(failures).to.deep.equal([]);
    });

    it("reports DATE_INVALID with the text, and returns null", function () {
      const failures: CheckFailure[] = [];
      expect(checkDocumentDate("2026-02-30", "/contract/date", "The contract", clock, failures)).to.equal(null);
      expect(failures).to.deep.equal([
        {
          code: "DATE_INVALID",
          path: "/contract/date",
          message: 'The contract has date "2026-02-30", which is not a real calendar day written YYYY-MM-DD.',
        },
      ]);
    });

    it("reports DATE_IN_FUTURE and still returns the day", function () {
      const failures: CheckFailure[] = [];
      const day = checkDocumentDate("2027-01-03", "/invoices/0/issueDate", "Invoice 26442000000012345678", clock, failures);
      expect(day).to.deep.equal({ year: 2027, month: 1, day: 3 });
      expect(failures).to.deep.equal([
        {
          code: "DATE_IN_FUTURE",
          path: "/invoices/0/issueDate",
          message: "Invoice 26442000000012345678 is dated 2027-01-03, after today (2026-11-22).",
        },
      ]);
    });
  });

  describe("formatting for messages", function () {
    it("formats instants in the calendar's zone", function () {
      expect(formatInstant(utc(2026, 10, 22, 2), CST)).to.equal("2026-11-22 10:00:00 UTC+08:00");
      expect(formatInstant(utc(2026, 10, 22, 2), -(5 * 3600 + 30 * 60))).to.equal("2026-11-21 20:30:00 UTC-05:30");
      // The largest deadline the schema allows lies beyond year 9999.
      expect(formatInstant(1_099_511_627_775, CST)).to.match(/^36812-\d\d-\d\d \d\d:\d\d:\d\d UTC\+08:00$/);
    });

    it("formats durations in days, with the rest when not whole", function () {
      expect(formatDuration(365 * 86_400)).to.equal("365 days");
      expect(formatDuration(86_400)).to.equal("1 day");
      expect(formatDuration(365 * 86_400 + 3600)).to.equal("365 days 1 h");
      expect(formatDuration(365 * 86_400 + 1)).to.equal("365 days 0 h 0 min 1 s");
    });
  });
});
