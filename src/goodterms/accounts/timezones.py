"""The time zones a person picks from: current Area/City names only, each with its UTC offset now.

`zoneinfo.available_timezones()` also holds ~600 names kept for old software: links ("US/Pacific",
"Asia/Calcutta"), fixed offsets ("Etc/GMT+9", whose sign is the reverse of what it reads), and old system
names ("W-SU", "EST5EDT"). The system's zone.tab lists the current zone of each place, so it is the list
when it can be read; without it (the tzdata package has none), the names are filtered by their shape and
by the renamed ones listed below.

Browsers report some places by their old names (Chromium says "Asia/Calcutta" and "America/Buenos_Aires",
ICU's names): `renamed()` maps each old name to the current one, from the links of the time-zone database's
source (tzdata.zi, in the system's zoneinfo or the tzdata package), so the settings page can still propose
the browser's zone and the form takes an old name as its current one.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path

AREAS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")

# Old spellings that still look like Area/City: each is a link to the current name.
RENAMED = frozenset(
    (
        "Africa/Asmera",
        "Africa/Timbuktu",
        "America/Argentina/ComodRivadavia",
        "America/Atka",
        "America/Buenos_Aires",
        "America/Catamarca",
        "America/Coral_Harbour",
        "America/Cordoba",
        "America/Ensenada",
        "America/Fort_Wayne",
        "America/Godthab",
        "America/Indianapolis",
        "America/Jujuy",
        "America/Knox_IN",
        "America/Louisville",
        "America/Mendoza",
        "America/Montreal",
        "America/Nipigon",
        "America/Pangnirtung",
        "America/Porto_Acre",
        "America/Rainy_River",
        "America/Rosario",
        "America/Santa_Isabel",
        "America/Shiprock",
        "America/Thunder_Bay",
        "America/Virgin",
        "America/Yellowknife",
        "Antarctica/South_Pole",
        "Asia/Ashkhabad",
        "Asia/Calcutta",
        "Asia/Chongqing",
        "Asia/Chungking",
        "Asia/Dacca",
        "Asia/Harbin",
        "Asia/Istanbul",
        "Asia/Kashgar",
        "Asia/Katmandu",
        "Asia/Macao",
        "Asia/Rangoon",
        "Asia/Saigon",
        "Asia/Tel_Aviv",
        "Asia/Thimbu",
        "Asia/Ujung_Pandang",
        "Asia/Ulan_Bator",
        "Atlantic/Faeroe",
        "Atlantic/Jan_Mayen",
        "Australia/ACT",
        "Australia/Canberra",
        "Australia/Currie",
        "Australia/LHI",
        "Australia/NSW",
        "Australia/North",
        "Australia/Queensland",
        "Australia/South",
        "Australia/Tasmania",
        "Australia/Victoria",
        "Australia/West",
        "Australia/Yancowinna",
        "Europe/Belfast",
        "Europe/Kiev",
        "Europe/Nicosia",
        "Europe/Tiraspol",
        "Europe/Uzhgorod",
        "Europe/Zaporozhye",
        "Pacific/Enderbury",
        "Pacific/Johnston",
        "Pacific/Ponape",
        "Pacific/Samoa",
        "Pacific/Truk",
        "Pacific/Yap",
    )
)


def _zone_tab() -> set[str] | None:
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / "zone.tab"
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            return {line.split("\t")[2] for line in lines if line and not line.startswith("#")}
    return None


def _looks_current(name: str) -> bool:
    area, _, place = name.partition("/")
    return area in AREAS and bool(place) and name not in RENAMED and not place.isupper()


@cache
def zone_names() -> tuple[str, ...]:
    """The current zone names, sorted: what the picker offers and the form accepts."""
    available = zoneinfo.available_timezones()
    listed = _zone_tab()
    names = available & listed if listed else available
    return tuple(sorted(name for name in names if _looks_current(name)))


def _links_source() -> str | None:
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / "tzdata.zi"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        return resources.files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None


@cache
def renamed() -> dict[str, str]:
    """{"Asia/Calcutta": "Asia/Kolkata", …}: each old name of a place whose current name is in the list."""
    current = set(zone_names())
    links: dict[str, str] = {}
    for line in (_links_source() or "").splitlines():
        kind, *names = line.split()
        if kind == "L" and len(names) == 2:
            target, old = names
            links[old] = target
    found = {}
    for old, target in links.items():
        for _ in range(5):  # a link may point at another link
            if target in current or target not in links:
                break
            target = links[target]
        if target in current and old not in current:
            found[old] = target
    return found


def current_name(name: str) -> str:
    """The name the list uses for `name`: itself, or the current name of an old one."""
    return renamed().get(name, name)


def utc_offset(name: str, at: datetime | None = None) -> str:
    """'UTC+05:30', 'UTC-03:00', 'UTC': the zone's offset at `at` (now), summer time included."""
    moment = (at or datetime.now(zoneinfo.ZoneInfo("UTC"))).astimezone(zoneinfo.ZoneInfo(name))
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def zone_choices(at: datetime | None = None) -> list[tuple[str, str]]:
    """(name, "Europe/Lisbon — UTC+01:00") for each current zone."""
    return [(name, f"{name.replace('_', ' ')} — {utc_offset(name, at)}") for name in zone_names()]
