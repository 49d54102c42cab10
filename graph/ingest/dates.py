"""Dates of articles: normalising written dates to ISO and inferring an article's date.

Month and day numbers are checked against the calendar so that counts and ratios
written like dates (13月, 32日) never become dates.
"""

from __future__ import annotations

import re
from collections import Counter

from citykg.graph.ingest.text import fold

#: months in a year: a month number outside 1..12 is not a month
MONTHS = 12
#: days in the longest month: a day number outside 1..31 is not a day
MAX_DAY = 31
#: characters of the year at the head of an ISO date (YYYY-MM-DD)
YEAR_CHARS = 4
_FULL_DATE = re.compile(r"(20\d\d|19\d\d)\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日")
_YEAR = re.compile(r"(?<![到至])(20\d\d)年(?!前|底前)")  # not a target year (到2025年)


def is_month(n: int) -> bool:
    """True for a month number of the calendar.

    >>> is_month(12), is_month(13), is_month(0)
    (True, False, False)
    """
    return 1 <= n <= MONTHS


def is_day(n: int) -> bool:
    """True for a day number some month has.

    >>> is_day(31), is_day(32)
    (True, False)
    """
    return 1 <= n <= MAX_DAY


def year_of(iso: str | None) -> int | None:
    """The year of an ISO date (or of a yyyy-mm or yyyy), None when it has none.

    >>> year_of("2023-09-07"), year_of("2024"), year_of(""), year_of(None)
    (2023, 2024, None, None)
    """
    head = (iso or "")[:YEAR_CHARS]
    return int(head) if head.isdigit() else None


def normalise_date(text: str | None) -> str | None:
    """An ISO date (or yyyy-mm / yyyy) from a date string.

    >>> normalise_date("2023年9月7日"), normalise_date("2024-12-21 14:39"), normalise_date("2023")
    ('2023-09-07', '2024-12-21', '2023')
    """
    if not text:
        return None
    text = fold(str(text))
    m = _FULL_DATE.search(text)
    if m:
        y, mo, d = (int(x) for x in m.groups())
        if is_month(mo) and is_day(d):
            return f"{y:04d}-{mo:02d}-{d:02d}"
    m = re.search(r"(20\d\d|19\d\d)\s*(?:[-/.]|年)\s*(\d{1,2})(?!\d)", text)
    if m and is_month(int(m.group(2))):
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    m = re.fullmatch(r"\s*(20\d\d|19\d\d)\s*年?\s*", text)
    return m.group(1) if m else None


def infer_date(head: str, text: str) -> str | None:
    """The article date: a full date in the header lines, else 12月17日 with the year from context."""
    date = normalise_date(head)
    if date and len(date) == len("YYYY-MM-DD"):
        return date
    m = _MONTH_DAY.search(head)
    if not m:
        return None
    years = Counter(_YEAR.findall(text))
    if not years:
        return None
    year = max(years, key=lambda y: (years[y], y))
    mo, d = int(m.group(1)), int(m.group(2))
    return f"{year}-{mo:02d}-{d:02d}" if is_month(mo) and is_day(d) else None
