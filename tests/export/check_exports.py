#!/usr/bin/env python3
"""Independent readers for ConnKeeper's exports (Python's csv module and the
`icalendar` package from PyPI), used by the CLI end-to-end test.

usage: check_exports.py DIR
DIR holds list.json (`profile list --json`), export.csv, export.json, export.ics,
export2.ics (a second export) and settings.json (the reminder thresholds).
Prints "ok" and exits 0, or prints what is wrong and exits 1.
"""
import csv
import datetime as dt
import json
import sys
from pathlib import Path

import icalendar

d = Path(sys.argv[1])
problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


profiles = {p["id"]: p for p in json.loads((d / "list.json").read_text())}
thresholds = json.loads((d / "settings.json").read_text())["thresholds"]

# --- CSV: RFC 4180 via the csv module; same values as the JSON list.
raw = (d / "export.csv").read_bytes()
check(raw.count(b"\r\n") >= len(profiles) + 1, "CSV rows end with CRLF")
with open(d / "export.csv", newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
check(len(rows) == len(profiles), f"CSV has {len(rows)} rows for {len(profiles)} profiles")
FORMULA = ("=", "+", "-", "@", "\t", "\r")
for row in rows:
    p = profiles.get(row["id"])
    check(p is not None, f"CSV id {row['id']} unknown")
    if p is None:
        continue
    for key in ("name", "description", "host", "email"):
        want = p[key] or ""
        got = row[key]
        if want.startswith(FORMULA):
            check(got == "'" + want, f"{key} formula neutralised: {got!r}")
        else:
            check(got == want, f"{key}: {got!r} != {want!r}")
    for key in ("application", "expires", "status"):
        check(row[key] == str(p[key]), f"{key}: {row[key]!r}")
    check(int(row["days_left"]) == p["days_left"], "days_left")
    check(row["token_stored"] == str(p["token_stored"]).lower(), "token_stored")
    for cell in row.values():
        check(not cell.startswith(FORMULA) or cell.lstrip("-").isdigit(), f"dangerous cell {cell!r}")

# --- JSON: the documented envelope.
doc = json.loads((d / "export.json").read_text())
check(doc["format"] == "connkeeper-profiles" and doc["version"] == 1, "JSON envelope")
check("exported_at" in doc, "exported_at")
check({p["id"] for p in doc["profiles"]} == set(profiles), "JSON ids")

# --- iCalendar: parsed by the icalendar package.
def events(path):
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return [c for c in cal.walk() if c.name == "VEVENT"]

ics_raw = (d / "export.ics").read_bytes()
check(b"\r\n" in ics_raw and b"\n" not in ics_raw.replace(b"\r\n", b""), "ICS uses CRLF only")
check(all(len(line) <= 75 for line in ics_raw.split(b"\r\n")), "ICS lines folded at 75 octets")
first = events(d / "export.ics")
expiry = [e for e in first if str(e["SUMMARY"]).startswith("API token expires")]
check(len(expiry) == len(profiles), f"{len(expiry)} expiry events")
for e in expiry:
    uid = str(e["UID"])
    pid = uid.split("-", 1)[1].rsplit("-", 1)[0]
    p = profiles.get(pid)
    check(p is not None, f"UID {uid} names a profile")
    if p is None:
        continue
    start = e.decoded("DTSTART")
    check(isinstance(start, dt.date) and not isinstance(start, dt.datetime), "all-day event")
    check(start.isoformat() == p["expires"], f"event date {start} != {p['expires']}")
    check(p["name"] in str(e["SUMMARY"]), "summary names the profile")
    desc = str(e["DESCRIPTION"])
    check(p["host"] in desc and p["email"] in desc and "id.atlassian.com" in desc, "description")
    alarms = [a for a in e.subcomponents if a.name == "VALARM"]
    offsets = sorted(-a.decoded("TRIGGER").days for a in alarms)
    check(offsets == sorted(thresholds), f"alarms {offsets} != {thresholds}")
renew = [e for e in first if str(e["SUMMARY"]).startswith("Start renewing")]
check(len(renew) == len(profiles), "renewal events")
second = events(d / "export2.ics")
check(sorted(str(e["UID"]) for e in first) == sorted(str(e["UID"]) for e in second), "UIDs stable across exports")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("ok")
