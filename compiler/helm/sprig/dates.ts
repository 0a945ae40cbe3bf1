// Sprig date functions with Go reference-time layouts (renderers.md §2.6). Zones: UTC/Local(=UTC unless
// a named IANA zone is given); the clock is injectable.

import { GO_TYPE, GoInt, GoStruct } from "../template/value.ts";

/** time.Time: instant in ms + extra nanoseconds + zone. */
export class GoTime extends GoStruct {
  constructor(readonly ms: number, readonly nsExtra = 0, readonly zone = "UTC") {
    super("time.Time");
    Object.defineProperty(this, GO_TYPE, { value: "time.Time", enumerable: false });
    for (const k of ["ms", "nsExtra", "zone"]) {
      Object.defineProperty(this, k, { enumerable: false, value: (this as Record<string, unknown>)[k] });
    }
  }
  String(): string {
    return formatGoTime(this, "2006-01-02 15:04:05.999999999 -0700 MST");
  }
  Unix(): GoInt {
    return new GoInt(Math.floor(this.ms / 1000), "int64");
  }
  UnixNano(): GoInt {
    return new GoInt(BigInt(this.ms) * 1000000n + BigInt(this.nsExtra), "int64");
  }
  Year(): GoInt {
    return new GoInt(fields(this).year);
  }
  Format(layout: string): string {
    return formatGoTime(this, layout);
  }
  MarshalJSON(): string {
    return JSON.stringify(formatGoTime(this, "2006-01-02T15:04:05.999999999Z07:00"));
  }
}

function zoneOffsetMinutes(zone: string, ms: number): number {
  if (zone === "UTC" || zone === "Local" || zone === "") return 0;
  try {
    const dtf = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    const p = Object.fromEntries(dtf.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    const asUTC = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
    return Math.round((asUTC - Math.floor(ms / 1000) * 1000) / 60000);
  } catch {
    return 0;
  }
}

function zoneAbbrev(zone: string, ms: number): string {
  if (zone === "UTC" || zone === "Local" || zone === "") return "UTC";
  try {
    const p = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "short" }).formatToParts(
      new Date(ms),
    );
    const n = p.find((x) => x.type === "timeZoneName")?.value ?? zone;
    if (/^GMT[+-]/.test(n)) {
      const off = zoneOffsetMinutes(zone, ms);
      const sign = off < 0 ? "-" : "+";
      const a = Math.abs(off);
      return sign + String(Math.floor(a / 60)).padStart(2, "0") +
        (a % 60 ? String(a % 60).padStart(2, "0") : "");
    }
    return n === "GMT" && zone !== "GMT" ? "GMT" : n;
  } catch {
    return "UTC";
  }
}

export function isValidZone(zone: string): boolean {
  if (zone === "UTC" || zone === "Local" || zone === "") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function fields(t: GoTime) {
  const off = zoneOffsetMinutes(t.zone, t.ms);
  const d = new Date(t.ms + off * 60000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    min: d.getUTCMinutes(),
    sec: d.getUTCSeconds(),
    ns: (((t.ms % 1000) + 1000) % 1000) * 1e6 + t.nsExtra,
    wday: d.getUTCDay(),
    yday: Math.floor(
      (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) -
        Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000,
    ) + 1,
    off,
  };
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

const TOKENS = [
  "January",
  "Monday",
  "2006",
  "-07:00:00",
  "Z07:00:00",
  "-0700",
  "-07:00",
  "Z0700",
  "Z07:00",
  "Jan",
  "Mon",
  "MST",
  "002",
  "__2",
  "_2",
  "01",
  "02",
  "03",
  "04",
  "05",
  "06",
  "-07",
  "Z07",
  "15",
  "PM",
  "pm",
  "1",
  "2",
  "3",
  "4",
  "5",
];

const p2 = (n: number) => String(n).padStart(2, "0");

export function formatGoTime(t: GoTime, layout: string): string {
  const f = fields(t);
  let out = "";
  let i = 0;
  while (i < layout.length) {
    const frac = /^[.,](0+|9+)/.exec(layout.slice(i));
    if (frac && !/[0-9]/.test(layout[i + frac[0].length] ?? "")) {
      const n = frac[1]!.length;
      let digits = String(f.ns).padStart(9, "0").slice(0, n);
      if (frac[1]![0] === "9") {
        digits = digits.replace(/0+$/, "");
        out += digits ? layout[i] + digits : "";
      } else out += layout[i] + digits;
      i += frac[0].length;
      continue;
    }
    const tok = TOKENS.find((x) => layout.startsWith(x, i));
    if (!tok) {
      out += layout[i];
      i++;
      continue;
    }
    i += tok.length;
    const off = f.off, a = Math.abs(off), sign = off < 0 ? "-" : "+";
    const hh = p2(Math.floor(a / 60)), mm = p2(a % 60);
    switch (tok) {
      case "January":
        out += MONTHS[f.month - 1];
        break;
      case "Jan":
        out += MONTHS[f.month - 1]!.slice(0, 3);
        break;
      case "Monday":
        out += DAYS[f.wday];
        break;
      case "Mon":
        out += DAYS[f.wday]!.slice(0, 3);
        break;
      case "2006":
        out += String(f.year).padStart(4, "0");
        break;
      case "06":
        out += p2(f.year % 100);
        break;
      case "01":
        out += p2(f.month);
        break;
      case "1":
        out += String(f.month);
        break;
      case "02":
        out += p2(f.day);
        break;
      case "_2":
        out += String(f.day).padStart(2, " ");
        break;
      case "2":
        out += String(f.day);
        break;
      case "002":
        out += String(f.yday).padStart(3, "0");
        break;
      case "__2":
        out += String(f.yday).padStart(3, " ");
        break;
      case "15":
        out += p2(f.hour);
        break;
      case "03":
        out += p2(f.hour % 12 === 0 ? 12 : f.hour % 12);
        break;
      case "3":
        out += String(f.hour % 12 === 0 ? 12 : f.hour % 12);
        break;
      case "04":
        out += p2(f.min);
        break;
      case "4":
        out += String(f.min);
        break;
      case "05":
        out += p2(f.sec);
        break;
      case "5":
        out += String(f.sec);
        break;
      case "PM":
        out += f.hour >= 12 ? "PM" : "AM";
        break;
      case "pm":
        out += f.hour >= 12 ? "pm" : "am";
        break;
      case "MST":
        out += zoneAbbrev(t.zone, t.ms);
        break;
      case "-0700":
        out += sign + hh + mm;
        break;
      case "-07:00":
        out += sign + hh + ":" + mm;
        break;
      case "-07":
        out += sign + hh;
        break;
      case "-07:00:00":
        out += sign + hh + ":" + mm + ":00";
        break;
      case "Z0700":
        out += off === 0 ? "Z" : sign + hh + mm;
        break;
      case "Z07:00":
        out += off === 0 ? "Z" : sign + hh + ":" + mm;
        break;
      case "Z07":
        out += off === 0 ? "Z" : sign + hh;
        break;
      case "Z07:00:00":
        out += off === 0 ? "Z" : sign + hh + ":" + mm + ":00";
        break;
    }
  }
  return out;
}

/** time.ParseInLocation for numeric layouts (years, months, days, clock, fractions, zones). */
export function parseGoTime(layout: string, value: string, zone = "UTC"): GoTime {
  let i = 0, j = 0;
  let year = 1, month = 1, day = 1, hour = 0, min = 0, sec = 0, ns = 0, pm: boolean | undefined;
  let off: number | undefined;
  const fail = (): never => {
    throw new Error(`parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse`);
  };
  const num = (min: number, max: number): number => {
    const m = new RegExp(`^\\d{${min},${max}}`).exec(value.slice(j));
    if (!m) fail();
    j += m![0].length;
    return Number(m![0]);
  };
  while (i < layout.length) {
    const tok = TOKENS.find((x) => layout.startsWith(x, i));
    if (!tok) {
      if (layout[i] === "." && /^\.(0+|9+)/.test(layout.slice(i))) {
        const m = /^\.(0+|9+)/.exec(layout.slice(i))!;
        i += m[0].length;
        const vm = /^[.,](\d+)/.exec(value.slice(j));
        if (vm) {
          ns = Number(vm[1]!.padEnd(9, "0").slice(0, 9));
          j += vm[0].length;
        }
        continue;
      }
      if (value[j] !== layout[i]) fail();
      i++;
      j++;
      continue;
    }
    i += tok.length;
    switch (tok) {
      case "2006":
        year = num(4, 4);
        break;
      case "06":
        year = num(2, 2);
        year += year >= 69 ? 1900 : 2000;
        break;
      case "01":
        month = num(2, 2);
        break;
      case "1":
        month = num(1, 2);
        break;
      case "January":
      case "Jan": {
        const k = MONTHS.findIndex((mn) => value.slice(j).startsWith(tok === "Jan" ? mn.slice(0, 3) : mn));
        if (k < 0) fail();
        j += tok === "Jan" ? 3 : MONTHS[k]!.length;
        month = k + 1;
        break;
      }
      case "Monday":
      case "Mon": {
        const k = DAYS.findIndex((dn) => value.slice(j).startsWith(tok === "Mon" ? dn.slice(0, 3) : dn));
        if (k < 0) fail();
        j += tok === "Mon" ? 3 : DAYS[k]!.length;
        break;
      }
      case "02":
        day = num(2, 2);
        break;
      case "_2":
        if (value[j] === " ") j++;
        day = num(1, 2);
        break;
      case "2":
        day = num(1, 2);
        break;
      case "15":
        hour = num(1, 2);
        break;
      case "03":
      case "3":
        hour = num(tok === "03" ? 2 : 1, 2);
        break;
      case "04":
      case "4":
        min = num(tok === "04" ? 2 : 1, 2);
        break;
      case "05":
      case "5":
        sec = num(tok === "05" ? 2 : 1, 2);
        {
          const vm = /^[.,](\d+)/.exec(value.slice(j));
          if (vm && !/^[.,]\d/.test(layout.slice(i))) {
            ns = Number(vm[1]!.padEnd(9, "0").slice(0, 9));
            j += vm[0].length;
          }
        }
        break;
      case "PM":
      case "pm": {
        const s = value.slice(j, j + 2).toUpperCase();
        if (s !== "AM" && s !== "PM") fail();
        pm = s === "PM";
        j += 2;
        break;
      }
      case "MST": {
        const m = /^[A-Z]{3,5}|^[+-]\d{2,4}/.exec(value.slice(j));
        if (!m) fail();
        j += m![0].length;
        break;
      }
      default: {
        // zone offsets
        if (tok.startsWith("Z") && value[j] === "Z") {
          j++;
          off = 0;
          break;
        }
        const m = /^([+-])(\d{2}):?(\d{2})?(?::?\d{2})?/.exec(value.slice(j));
        if (!m) fail();
        j += m![0].length;
        off = (m![1] === "-" ? -1 : 1) * (Number(m![2]) * 60 + Number(m![3] ?? 0));
      }
    }
  }
  if (j !== value.length) {
    throw new Error(`parsing time ${JSON.stringify(value)}: extra text: ${JSON.stringify(value.slice(j))}`);
  }
  if (pm !== undefined) {
    if (pm && hour < 12) hour += 12;
    if (!pm && hour === 12) hour = 0;
  }
  if (month < 1 || month > 12) throw new Error(`parsing time ${JSON.stringify(value)}: month out of range`);
  if (day < 1 || day > 31) throw new Error(`parsing time ${JSON.stringify(value)}: day out of range`);
  const local = Date.UTC(year, month - 1, day, hour, min, sec);
  const o = off ?? zoneOffsetMinutes(zone, local);
  return new GoTime(
    local - o * 60000 + Math.floor(ns / 1e6),
    ns % 1e6,
    off !== undefined && off !== 0 ? "UTC" : zone,
  );
}

/** time.Duration.String() for nanoseconds. */
export function durationString(ns: bigint): string {
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1000000000n) {
    // sub-second: ns, µs, ms
    const [unit, div] = u < 1000n ? ["ns", 1n] : u < 1000000n ? ["µs", 1000n] : ["ms", 1000000n];
    out = fracStr(u, div) + unit;
  } else {
    const h = u / 3600000000000n;
    u -= h * 3600000000000n;
    const m = u / 60000000000n;
    u -= m * 60000000000n;
    out = (h > 0n ? `${h}h` : "") + (h > 0n || m > 0n ? `${m}m` : "") + fracStr(u, 1000000000n) + "s";
  }
  return (neg ? "-" : "") + out;
}

function fracStr(v: bigint, div: bigint): string {
  const whole = v / div;
  const rem = v % div;
  if (rem === 0n) return whole.toString();
  const digits = div.toString().length - 1;
  return whole.toString() + "." + rem.toString().padStart(digits, "0").replace(/0+$/, "");
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  "µs": 1000n,
  "μs": 1000n,
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n,
};

/** time.ParseDuration */
export function parseDuration(s: string): bigint {
  const orig = s;
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw new Error(`time: invalid duration ${JSON.stringify(orig)}`);
  let total = 0;
  let totalBig = 0n;
  while (s !== "") {
    const m = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/.exec(s);
    if (!m || (m[1] === "" && (m[2] ?? "") === "")) {
      throw new Error(`time: invalid duration ${JSON.stringify(orig)}`);
    }
    const unit = UNITS[m[3]!]!;
    totalBig += BigInt(m[1] || "0") * unit;
    if (m[2]) total += Number("0." + m[2]) * Number(unit);
    s = s.slice(m[0].length);
  }
  const r = totalBig + BigInt(Math.round(total));
  return neg ? -r : r;
}

export function toGoTime(v: unknown, now: () => number): GoTime {
  if (v instanceof GoTime) return v;
  if (v instanceof GoInt) return new GoTime(Number(v.value) * 1000);
  return new GoTime(now());
}

export function durationRound(d: bigint): string {
  let u = d < 0n ? -d : d;
  const second = 1000000000n, minute = 60n * second, hour = 60n * minute, day = 24n * hour;
  const month = 30n * day, year = 365n * day;
  if (u > year) return `${u / year}y`;
  if (u > month) return `${u / month}mo`;
  if (u > day) return `${u / day}d`;
  if (u > hour) return `${u / hour}h`;
  if (u > minute) return `${u / minute}m`;
  if (u > second) return `${u / second}s`;
  u = 0n;
  return "0s";
}
