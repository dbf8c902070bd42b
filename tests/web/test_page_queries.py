"""The pages read the register through a bounded number of SQL queries, whatever its size.

Each page of each role is read on the demo (43 members, the open assembly AG-2026-02), its SQL
statements counted; then 600 members are added to the register, to the roll of AG-2026-02 (a
tenth of them not entitled to vote) and a third of them to its attendance sheet (some with a
proxy), and every page is read again: it must make exactly as many queries as before — no
query per member, per roll line or per attendance line (what made the desk, the minutes and the
proxies page load 10 000 lines each time, ``bench/web_pages.py``) — and no more than
``MAX_QUERIES``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from navigateur import SignIn
from sqlalchemy import event, select
from sqlalchemy.orm import Mapper

from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.model import Attendance
from gouvernance.domain.calls.model import CallKind, PaymentMethod
from gouvernance.domain.members import PersonKind
from gouvernance.domain.users import SYSTEM
from gouvernance.persistence.orm import (
    allocations,
    assemblies,
    assembly_attendance,
    assembly_roll,
    call_batches,
    calls,
    credit_notes,
    members,
    payments,
)
from gouvernance.services.ledger import calls as ledger
from gouvernance.services.ledger import payments as ledger_payments

OPEN = "AG-2026-02"
CLOSED = "AG-2026-01"
ADDED = 600
MAX_QUERIES = 40  # the heaviest page today (the minutes' preview) makes 20 or so
# More records built with 600 more members: what a page lists at most (the proxies page offers
# up to 200 associates to pick from, the door 25 lines), never one per member.
MAX_GROWTH = 210
PAGES: tuple[tuple[str, str], ...] = (  # (path, account)
    ("/", "adherent"),
    ("/mon-espace", "adherent"),
    ("/mon-espace/appels", "adherent"),
    ("/mon-espace/pouvoirs", "adherent"),
    ("/assemblees", "adherent"),
    (f"/assemblees/{OPEN}/voter", "adherent"),
    ("/conseil/simulation/membres/MISTRAL", "bureau"),
    (f"/assemblees/{OPEN}/bureau", "bureau"),
    ("/tresorerie", "tresorier"),
    ("/tresorerie/appels", "tresorier"),
    ("/tresorerie/membres/MISTRAL", "tresorier"),
    ("/tresorerie/paiements", "tresorier"),
    (f"/assemblees/{OPEN}/emargement", "scrutateur"),
    (f"/assemblees/{OPEN}/emargement?q=e", "scrutateur"),
    (f"/assemblees/{OPEN}/cloture", "scrutateur"),
    (f"/assemblees/{OPEN}/proces-verbal", "scrutateur"),
    (f"/assemblees/{CLOSED}/proces-verbal", "scrutateur"),
)


@contextmanager
def counting(app: Application) -> Iterator[Counter[str]]:
    """The SQL statements run on the application's engine meanwhile (``queries``), and the
    records built from their rows (``objects``)."""
    engine = app.uows.engine  # type: ignore[attr-defined]
    seen: Counter[str] = Counter()

    def query(*_: Any) -> None:
        seen["queries"] += 1

    def built(*_: Any) -> None:
        seen["objects"] += 1

    event.listen(engine, "before_cursor_execute", query)
    event.listen(Mapper, "load", built)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", query)
        event.remove(Mapper, "load", built)


def measured(app: Application, clients: dict[str, TestClient]) -> dict[str, Counter[str]]:
    found = {}
    for path, account in PAGES:
        clients[account].get(path)  # first: anything read once per process is read now
        with counting(app) as seen:
            response = clients[account].get(path)
        assert response.status_code == 200, (path, response.text[:300])
        found[path] = seen
    return found


def grow(app: Application) -> None:
    """``ADDED`` members, on the roll of the open assembly, a third of them signed in (every
    tenth represented by the one before), a tenth not entitled to vote."""
    engine = app.uows.engine  # type: ignore[attr-defined]
    codes = [f"ZZ{n:04d}" for n in range(ADDED)]
    moment = datetime(2026, 12, 12, 9, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            members.insert(),
            [
                {"code": code, "kind": PersonKind.NATURAL, "category": "volunteer", "name": "",
                 "first_name": f"Prénom{n}", "last_name": f"Nom{n}",
                 "joined_on": date(2020, 1, 1), "version": 1}
                for n, code in enumerate(codes)
            ],
        )  # fmt: skip
        assembly = connection.scalar(select(assemblies.c.id).where(assemblies.c.code == OPEN))
        connection.execute(
            assembly_roll.insert(),
            [
                {"assembly_id": assembly, "member_code": code, "name": f"Prénom{n} Nom{n}",
                 "category": "Bénévoles", "college": "", "entitled": n % 10 != 9,
                 "reason": "" if n % 10 != 9 else "appel échu impayé"}
                for n, code in enumerate(codes)
            ],
        )  # fmt: skip
        sheet = []
        for n, code in enumerate(codes):
            if n % 3 or n % 10 == 9:
                continue
            represented = n % 30 == 0 and n > 0
            sheet.append(
                {"assembly_id": assembly, "member_code": code, "college": "",
                 "mode": Attendance.REPRESENTED if represented else Attendance.PRESENT,
                 "holder_code": codes[n - 3] if represented else None,
                 "recorded_at": moment, "recorded_by": "scrutateur"}
            )  # fmt: skip
        connection.execute(assembly_attendance.insert(), sheet)


def test_every_page_makes_as_many_queries_with_600_more_members(
    web_demo: Application, sign_in: SignIn
) -> None:
    clients = {account: sign_in(account) for _, account in PAGES}
    before = measured(web_demo, clients)
    grow(web_demo)
    after = measured(web_demo, clients)
    queries = {path: (before[path]["queries"], after[path]["queries"]) for path in before}
    assert all(b == a for b, a in queries.values()), queries
    assert max(a for _, a in queries.values()) <= MAX_QUERIES, queries
    # Nor a record per member: a page shows a few lines of a list, not all of them.
    objects = {path: (before[path]["objects"], after[path]["objects"]) for path in before}
    grown = {path: (b, a) for path, (b, a) in objects.items() if a > b + MAX_GROWTH}
    assert not grown, grown


# --------------------------------------------------------------------------------------------
# The treasurer's overview, whatever the number of calls


TREASURER_PAGES = (
    "/tresorerie",
    "/tresorerie/appels",
    "/tresorerie/appels?statut=tous",
    "/tresorerie/appels?statut=en-retard&au=2027-06-01",
    "/tresorerie/appels?statut=tous&categorie=producer",
    "/tresorerie/relances",
    "/tresorerie/paiements",
)


TREASURER_GROWTH = 2 * 200 + 10


def _measured_treasurer(app: Application, client: TestClient) -> dict[str, Counter[str]]:
    found = {}
    for path in TREASURER_PAGES:
        client.get(path)
        with counting(app) as seen:
            response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        found[path] = seen
    return found


def grow_ledger(app: Application) -> None:
    """A call for each of the ``ADDED`` members of ``grow`` in the demo's batch, due on 31
    December: a third paid in full, a third in part, every tenth credited in part."""
    engine = app.uows.engine  # type: ignore[attr-defined]
    moment = datetime(2026, 12, 12, 9, tzinfo=UTC)
    day = date(2026, 12, 5)
    with engine.begin() as connection:
        batch = connection.scalar(select(call_batches.c.id).order_by(call_batches.c.id.desc()))
        new_calls, paid, parts, notes = [], [], [], []
        for n in range(ADDED):
            code, ref = f"ZZ{n:04d}", f"AC-2027-Z{n:04d}"
            new_calls.append(
                {"reference": ref, "batch_id": batch, "number": 90000 + n, "kind": CallKind.FEE,
                 "fiscal_year": 2027, "member_code": code, "member_name": f"Prénom{n} Nom{n}",
                 "cents": 12000, "issued_on": date(2026, 12, 1), "due_on": date(2026, 12, 31),
                 "basis": '{"category": "volunteer"}'}
            )  # fmt: skip
            if n % 3 < 2:
                cents = 12000 if n % 3 == 0 else 5000
                paid.append(
                    {"reference": f"RG-2026-Z{n:04d}", "member_code": code, "cents": cents,
                     "received_on": day, "method": PaymentMethod.TRANSFER, "bank_reference": "",
                     "note": "", "recorded_by": "tresorier", "recorded_at": moment}
                )  # fmt: skip
                parts.append(
                    {"payment_reference": f"RG-2026-Z{n:04d}", "call_reference": ref,
                     "member_code": code, "cents": cents, "on": day}
                )  # fmt: skip
            if n % 10 == 0:
                notes.append(
                    {"reference": f"AV-2026-Z{n:04d}", "call_reference": ref, "member_code": code,
                     "cents": 1000, "reason": "remise", "issued_on": day,
                     "issued_by": "tresorier", "issued_at": moment}
                )  # fmt: skip
        connection.execute(calls.insert(), new_calls)
        connection.execute(payments.insert(), paid)
        connection.execute(allocations.insert(), parts)
        connection.execute(credit_notes.insert(), notes)


def test_the_treasurers_overview_makes_as_many_queries_whatever_the_number_of_calls(
    web_demo: Application, sign_in: SignIn
) -> None:
    """The desk's home, the calls found, the reminders due: the calls' figures are summed by
    the database (``SqlLedger.call_figures``), only a page of calls is read whole."""
    ledger.issue_calls(
        web_demo.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 11, 20),
        due_on=date(2026, 11, 25), exclude_incomplete=True,
    )  # fmt: skip
    first = ledger.list_calls(web_demo.uows, SYSTEM, ledger.CallQuery()).items[0]
    ledger_payments.record_payment(
        web_demo.uows, SYSTEM, first.member_code, 100, date(2026, 12, 1), PaymentMethod.CHEQUE
    )
    grow(web_demo)
    client = sign_in("tresorier")
    before = _measured_treasurer(web_demo, client)
    grow_ledger(web_demo)
    after = _measured_treasurer(web_demo, client)
    queries = {path: (before[path]["queries"], after[path]["queries"]) for path in before}
    assert all(b == a for b, a in queries.values()), queries
    assert max(a for _, a in queries.values()) <= MAX_QUERIES, queries
    # A page of calls (100) or the 200 newest payments with their allocations; not 1 200 calls,
    # 800 payments and allocations and 60 credit notes. The home reads no call at all.
    objects = {path: (before[path]["objects"], after[path]["objects"]) for path in before}
    grown = {path: (b, a) for path, (b, a) in objects.items() if a > b + TREASURER_GROWTH}
    assert not grown, grown
    assert after["/tresorerie"]["objects"] == before["/tresorerie"]["objects"], objects
