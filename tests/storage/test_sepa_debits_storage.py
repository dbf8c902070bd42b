"""SEPA debits on both databases: what was sent cannot be rewritten, a return entered by hand is
checked (reason code, a debit on its way, a payment already received), a new mandate lifts the
suspension a closed account left and its first debit is FRST again.

On the demo organisation, calls issued on 01/12/2026: AC-2027-0003 (GARRIGUE, 400,00 €) and
AC-2027-0005 (MISTRAL, 1 262,50 €), both members with a mandate.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
from sepa_xsd import debits, validate

from gouvernance.bootstrap import Application
from gouvernance.domain.calls.model import PaymentMethod
from gouvernance.domain.errors import Conflict, InvalidInput, NotFound
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.persistence.database import make_engine
from gouvernance.services import clock
from gouvernance.services.ledger import calls, direct_debits, mandates, payments

TREASURER = Actor("claire", Role.TREASURER)


@pytest.fixture
def demo(
    app: Application,
    database_url: str,
    demo_loader: Callable[[str], None],
    monkeypatch: pytest.MonkeyPatch,
) -> Application:
    monkeypatch.setenv(clock.VARIABLE, "2026-12-04")
    demo_loader(database_url)
    calls.issue_calls(
        app.uows, SYSTEM, "demo-bareme-ca", issued_on=date(2026, 12, 1),
        due_on=date(2026, 12, 31), exclude_incomplete=True,
    )  # fmt: skip
    return app


def test_a_debit_sent_is_never_rewritten_nor_deleted(demo: Application, database_url: str) -> None:
    direct_debits.export_sepa(demo.uows, TREASURER, date(2026, 12, 10))
    engine = make_engine(database_url)
    try:
        for statement in (
            "UPDATE sepa_debits SET cents = 1",
            "DELETE FROM sepa_debits",
            "UPDATE sepa_files SET collection_date = '2026-12-11'",
        ):
            with (
                pytest.raises(sa.exc.DBAPIError, match="modification interdite"),
                engine.begin() as connection,
            ):
                connection.execute(sa.text(statement))
        with engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT count(*) FROM sepa_debits")) == 2
    finally:
        engine.dispose()


def test_a_return_entered_by_hand_is_checked_before_anything_is_written(
    demo: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(NotFound, match="aucun prélèvement de l'appel AC-2027-0003"):
        direct_debits.record_debit_return(demo.uows, TREASURER, "AC-2027-0003", "AM04")
    direct_debits.export_sepa(demo.uows, TREASURER, date(2026, 12, 10))
    with pytest.raises(InvalidInput, match="motif de rejet inconnu « ZZ99 »") as unknown:
        direct_debits.record_debit_return(demo.uows, TREASURER, "AC-2027-0003", "ZZ99")
    assert unknown.value.field == "reason"
    with pytest.raises(InvalidInput, match="rejet \\(avant règlement\\) ou retour"):
        direct_debits.record_debit_return(demo.uows, TREASURER, "AC-2027-0003", "AM04", kind="x")
    monkeypatch.setenv(clock.VARIABLE, "2026-12-11")
    payments.record_payment(
        demo.uows, TREASURER, "MISTRAL", 126250, date(2026, 12, 10), PaymentMethod.DIRECT_DEBIT
    )
    with pytest.raises(Conflict, match=r"déjà encaissé.*importez le relevé bancaire"):
        direct_debits.record_debit_return(demo.uows, TREASURER, "AC-2027-0005", "AM04")
    assert direct_debits.debit_returns(demo.uows, TREASURER) == []


def test_a_new_mandate_lifts_the_suspension_and_its_first_debit_is_frst(
    demo: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    direct_debits.export_sepa(demo.uows, TREASURER, date(2026, 12, 10))
    monkeypatch.setenv(clock.VARIABLE, "2026-12-14")
    view = direct_debits.record_debit_return(
        demo.uows, TREASURER, "AC-2027-0003", "AC04", kind="retour"
    )
    assert view.mandate_suspended and view.reason == "AC04 — compte clôturé"
    with pytest.raises(InvalidInput, match="rien à prélever"):
        direct_debits.export_sepa(demo.uows, TREASURER, date(2026, 12, 17))
    with pytest.raises(InvalidInput, match="BIC inconnu"):
        mandates.set_mandate(
            demo.uows, TREASURER, "GARRIGUE", mandate_id="PTCE-ALPILLES-GARRIGUE-002",
            signed_on=date(2026, 12, 14), iban="FR7630006000011234567890189", bic="ZZZZFRPP",
        )  # fmt: skip
    renewed = mandates.set_mandate(
        demo.uows, TREASURER, "GARRIGUE", mandate_id="PTCE-ALPILLES-GARRIGUE-002",
        signed_on=date(2026, 12, 14), iban="FR7630006000011234567890189", bic="AGRIFRPP",
    )  # fmt: skip
    assert (renewed.suspended_on, renewed.last_return) == (None, "")
    document = direct_debits.export_sepa(
        demo.uows, TREASURER, date(2026, 12, 17), schema="pain.008.001.02"
    )
    assert validate(document.content) == "pain.008.001.02"
    (debit,) = debits(document.content)
    assert (debit.end_to_end, debit.mandate_id, debit.sequence) == (
        "AC-2027-0003",
        "PTCE-ALPILLES-GARRIGUE-002",
        "FRST",
    )
    first, second = direct_debits.sepa_files(demo.uows, TREASURER)
    assert (first.schema, second.schema) == ("pain.008.001.08", "pain.008.001.02")
    again = direct_debits.sepa_file(demo.uows, TREASURER, second.message_id)
    assert (again.filename, again.content) == (document.filename, document.content)
