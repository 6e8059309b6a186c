"""The AVG's terms, in one table with their sources, and the date arithmetic
they need.

* A request of a data subject (art. 15-21 AVG) is answered "without undue
  delay and in any event within one month of receipt of the request"; the
  term "may be extended by two further months where necessary", once, and the
  data subject is told so, with the reasons, within the first month
  (art. 12(3) AVG).
* A personal data breach is reported to the Autoriteit Persoonsgegevens
  "without undue delay and, where feasible, not later than 72 hours after
  having become aware of it"; a later report states the reasons for the delay
  (art. 33(1) AVG).

A period in months ends on the same day of the month as the day it runs from,
or on the last day of the month when that month has no such day (Regulation
(EEC, Euratom) No 1182/71, art. 3(2)(c), which the EDPB applies to art. 12(3)
in its guidelines 01/2022 on the right of access): received on 31 January,
due on 28 February (29 in a leap year); extended, due on 30 April. Naast does
not move a deadline that falls on a weekend or holiday to the next working
day: answering earlier is never wrong.
"""

from __future__ import annotations

import calendar
import datetime

#: Months to answer a request, counted from its receipt (art. 12(3) AVG).
ANSWER_MONTHS = 1
#: Months the answer may be extended by, once (art. 12(3) AVG).
EXTENSION_MONTHS = 2
#: Hours to report a breach to the Autoriteit Persoonsgegevens (art. 33(1) AVG).
BREACH_REPORT_HOURS = 72
#: A due date this close or closer is "binnenkort" on the dashboard.
DUE_SOON_DAYS = 7


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the last day of that month when it
    is shorter (31 January + 1 month = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def answer_due_on(
    received_on: datetime.date, *, extended: bool = False
) -> datetime.date:
    """The last day to answer a request received on ``received_on``: one
    month after receipt, three when the term was extended."""
    months = ANSWER_MONTHS + (EXTENSION_MONTHS if extended else 0)
    return add_months(received_on, months)


def breach_report_due_at(found_at: datetime.datetime) -> datetime.datetime:
    """The moment by which a breach found at ``found_at`` is reported to the
    Autoriteit Persoonsgegevens: 72 hours later."""
    return found_at + datetime.timedelta(hours=BREACH_REPORT_HOURS)
