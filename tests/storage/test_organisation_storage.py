"""The organisation's own set-up, on SQLite and PostgreSQL: declared, changed field by field,
audited, required by what needs it, and frozen with every document issued."""

from __future__ import annotations

import json
from datetime import date

import pytest
from ledger_setup import DUE_ON, ISSUED_ON, SCHEDULE_ID, TREASURER, issue
from schwifty import IBAN
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import Forbidden, InvalidInput, NotFound
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.organisation import Organisation, OrganisationChanges
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.persistence.database import make_engine
from gouvernance.services.access import accounts
from gouvernance.services.assembly import minutes
from gouvernance.services.demo_data.demo import load_demo
from gouvernance.services.ledger import calls, mandates, treasury
from gouvernance.services.ledger.calls import CallQuery
from gouvernance.services.ledger.ledger_views import CallView
from gouvernance.services.organisation import setup
from gouvernance.services.registry import members

OLD_IBAN = "FR7630006000011234567890189"  # Crédit Agricole: BIC AGRIFRPPXXX
NEW_IBAN = "FR7142559100000500013M02623"
NEW_BIC = "CCOPFRPPXXX"  # Crédit Coopératif, derived from NEW_IBAN

ASSOCIATION = Organisation(
    name="Réseau des Cigales",
    legal_form="association",
    rna="W133001234",
    address="4 chemin des Aires",
    postal_code="13990",
    city="Arles",
    email="Contact@Cigales.example",
    iban=OLD_IBAN,
    sepa_creditor_id="FR72ZZZ123456",
    fiscal_year_start_day=1,
    fiscal_year_start_month=7,
    time_zone="America/Cayenne",
    president_name="Mireille Aubanel",
    president_title="Présidente",
    treasurer_name="Joseph Castagne",
    treasurer_title="Trésorier bénévole",
)


def declared(app: Application) -> Organisation:
    return setup.set_organisation(app.uows, SYSTEM, ASSOCIATION)


def audit_details(app: Application, action: str) -> list[dict[str, object]]:
    with app.uows() as uow:
        return [json.loads(e.detail) for e in uow.audit.recent(100) if e.action == action]


# --- Declaring and changing ------------------------------------------------------------------


def test_an_organisation_is_declared_then_read_back_with_every_field(app: Application) -> None:
    declared(app)

    found = setup.get_organisation(app.uows)

    assert found is not None
    assert (found.name, found.legal_form, found.rna, found.siren) == (
        "Réseau des Cigales", "association", "W133001234", None,
    )  # fmt: skip
    assert found.email == "contact@cigales.example"
    assert (found.fiscal_year_start, found.time_zone) == ("1er juillet", "America/Cayenne")
    assert found.president is not None and found.treasurer is not None
    assert (found.president.name, found.president.title) == ("Mireille Aubanel", "Présidente")
    assert found.treasurer.title == "Trésorier bénévole"
    assert (found.iban, found.bic) == (OLD_IBAN, "AGRIFRPPXXX")  # the BIC derived from the IBAN


def test_a_partial_change_changes_only_the_fields_given(app: Application) -> None:
    declared(app)

    setup.set_organisation(
        app.uows, SYSTEM, OrganisationChanges(city="Tarascon", treasurer_title="Trésorière")
    )

    found = setup.get_organisation(app.uows)
    assert found is not None
    assert (found.city, found.treasurer_title) == ("Tarascon", "Trésorière")
    assert (found.name, found.rna, found.iban, found.postal_code) == (
        "Réseau des Cigales", "W133001234", OLD_IBAN, "13990",
    )  # fmt: skip


def test_a_change_is_audited_field_by_field_with_the_iban_shown_only_by_its_ends(
    app: Application,
) -> None:
    declared(app)

    setup.set_organisation(
        app.uows, SYSTEM, OrganisationChanges(name="Cigales en réseau", iban=NEW_IBAN)
    )

    (created,) = audit_details(app, "organisation.définie")
    assert created["changements"]["name"] == [None, "Réseau des Cigales"]  # type: ignore[index]
    (changed,) = audit_details(app, "organisation.modifiée")
    assert changed["changements"] == {
        "name": ["Réseau des Cigales", "Cigales en réseau"],
        "iban": ["FR76…0189", f"{NEW_IBAN[:4]}…{NEW_IBAN[-4:]}"],
        "bic": ["AGRIFRPPXXX", NEW_BIC],  # another bank: its BIC, derived again
    }
    assert OLD_IBAN not in json.dumps(changed) and NEW_IBAN not in json.dumps(changed)


def test_a_change_that_changes_nothing_writes_no_audit_entry(app: Application) -> None:
    declared(app)

    setup.set_organisation(app.uows, SYSTEM, OrganisationChanges(city=" Arles "))

    assert audit_details(app, "organisation.modifiée") == []


def test_only_an_administrator_declares_or_changes_the_organisation(app: Application) -> None:
    for role in (Role.TREASURER, Role.BOARD, Role.SCRUTINEER, Role.MEMBER):
        with pytest.raises(Forbidden):
            setup.set_organisation(app.uows, Actor("quelqu-un", role), ASSOCIATION)

    assert setup.get_organisation(app.uows) is None


def test_every_problem_is_reported_at_once_and_nothing_is_written(app: Application) -> None:
    declared(app)
    wrong = OrganisationChanges(
        legal_form="scic_sas", bic="ZZZZFRPP", time_zone="Paris", fiscal_year_start_day=31,
        fiscal_year_start_month=4,
    )  # fmt: skip

    with pytest.raises(InvalidInput) as refused:
        setup.set_organisation(app.uows, SYSTEM, wrong)

    fields = [problem.field for problem in refused.value.problems]
    assert fields == ["siren", "rna", "fiscal_year_start_day", "time_zone", "bic"]
    found = setup.get_organisation(app.uows)
    assert found is not None and found.legal_form == "association"


def test_a_required_field_cannot_be_erased(app: Application) -> None:
    declared(app)

    with pytest.raises(InvalidInput) as refused:
        setup.set_organisation(app.uows, SYSTEM, OrganisationChanges(time_zone=None))

    assert refused.value.field == "time_zone"
    assert refused.value.message == "le fuseau horaire est obligatoire : il ne peut pas être vidé"


def test_an_iban_changed_within_the_same_bank_keeps_the_bic_given(app: Application) -> None:
    declared(app)
    setup.set_organisation(app.uows, SYSTEM, OrganisationChanges(bic="AGRIFRPP"))
    same_bank = str(IBAN.generate("FR", bank_code="30006", branch_code="00001", account_code="1"))

    setup.set_organisation(app.uows, SYSTEM, OrganisationChanges(iban=same_bank))

    found = setup.get_organisation(app.uows)
    assert found is not None and (found.iban, found.bic) == (same_bank, "AGRIFRPP")


def test_the_treasurer_s_bank_details_follow_the_same_rules(app: Application) -> None:
    declared(app)
    treasurer = Actor("claire", Role.TREASURER)

    with pytest.raises(InvalidInput) as refused:
        mandates.set_bank_details(
            app.uows, treasurer, iban=None, bic="ZZZZFRPP", sepa_creditor_id=None
        )
    details = mandates.set_bank_details(
        app.uows, treasurer, iban=NEW_IBAN, bic=None, sepa_creditor_id=None
    )

    assert refused.value.field == "bic"
    assert "BIC inconnu" in refused.value.message
    assert (details.iban, details.bic) == (NEW_IBAN, NEW_BIC)
    (entry,) = audit_details(app, "organisation.banque")
    assert sorted(entry["changements"]) == ["bic", "iban"]  # type: ignore[arg-type]


# --- Required by what needs it ---------------------------------------------------------------


def test_without_an_organisation_each_use_case_names_the_command_that_declares_it(
    app: Application,
) -> None:
    ledger = Actor("claire", Role.TREASURER)
    attempts = [
        lambda: treasury.export_fec(app.uows, ledger, date(2027, 1, 1), date(2027, 12, 31)),
        lambda: mandates.get_bank_details(app.uows, ledger),
        lambda: setup.organisation_view(app.uows, ledger),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound) as missing:
            attempt()
        assert missing.value.message == setup.NO_ORGANISATION
        assert missing.value.field == "organisation"
    assert "gouvernance organisation set --name" in setup.NO_ORGANISATION
    assert "PUT /organisation" in setup.NO_ORGANISATION


# --- Documents keep what they printed --------------------------------------------------------


def _first_call(app: Application, batch_reference: str) -> CallView:
    query = CallQuery(batch_reference=batch_reference)
    return calls.list_calls(app.uows, TREASURER, query).items[0]


def _letter(app: Application, reference: str) -> str:
    return treasury.call_letter(app.uows, TREASURER, reference, "html").content.decode()


def _new_member(app: Application) -> None:
    draft = MemberDraft(
        kind=PersonKind.NATURAL,
        category="volunteer",
        joined_on=date(2020, 1, 1),
        first_name="Nouvelle",
        last_name="Venue",
    )
    members.create_member(app.uows, SYSTEM, draft)


def test_a_call_letter_keeps_the_organisation_of_its_issue_and_a_new_batch_prints_the_new(
    app: Application, registry: list[str]
) -> None:
    declared(app)
    first = issue(app).batch
    old_call = _first_call(app, first.reference)

    setup.set_organisation(
        app.uows, SYSTEM, OrganisationChanges(name="Cigales en réseau", iban=NEW_IBAN)
    )
    _new_member(app)
    second = calls.issue_calls(
        app.uows, TREASURER, SCHEDULE_ID, issued_on=ISSUED_ON, due_on=DUE_ON
    ).batch
    new_call = _first_call(app, second.reference)

    old_letter, new_letter = _letter(app, old_call.reference), _letter(app, new_call.reference)
    assert "Réseau des Cigales" in old_letter and "Cigales en réseau" not in old_letter
    assert "AGRIFRPPXXX" in old_letter and NEW_BIC not in old_letter
    assert "Cigales en réseau" in new_letter and "Réseau des Cigales" not in new_letter
    assert NEW_BIC in new_letter
    assert "Trésorier bénévole" in old_letter and "Joseph Castagne" in old_letter


def test_a_reminder_prints_the_organisation_of_the_day_it_was_sent(
    app: Application, registry: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    declared(app)
    batch = issue(app).batch
    late = _first_call(app, batch.reference)
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-03-05")  # due 15/02 + 15 days
    treasury.send_reminders(app.uows, TREASURER)
    setup.set_organisation(app.uows, SYSTEM, OrganisationChanges(name="Cigales en réseau"))

    sent = treasury.reminder_letter(app.uows, TREASURER, late.reference, 1, "html")
    call_letter = _letter(app, late.reference)

    assert "Réseau des Cigales" in sent.content.decode()
    assert "Réseau des Cigales" in call_letter
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-04-05")  # the second rung, after the change
    later = treasury.send_reminders(app.uows, TREASURER)
    assert [r.level for r in later.reminders] == [2] * len(later.reminders) != []
    second = treasury.reminder_letter(app.uows, TREASURER, late.reference, 2, "html")
    assert "Cigales en réseau" in second.content.decode()


def test_the_same_details_are_stored_once_and_never_rewritten(
    app: Application, registry: list[str], database_url: str
) -> None:
    declared(app)
    issue(app)
    _new_member(app)
    calls.issue_calls(app.uows, TREASURER, SCHEDULE_ID, issued_on=ISSUED_ON, due_on=DUE_ON)

    engine = make_engine(database_url)
    with engine.connect() as connection:
        ids = connection.execute(
            text("SELECT organisation_snapshot_id FROM call_batches ORDER BY id")
        ).scalars()
        assert len(set(ids)) == 1
        assert connection.execute(text("SELECT count(*) FROM organisation_snapshots")).scalar() == 1
    with pytest.raises(DatabaseError, match="modification interdite"), engine.begin() as c:
        c.execute(text("UPDATE organisation_snapshots SET content = '{}'"))
    engine.dispose()


def test_closed_minutes_keep_the_name_the_organisation_had_at_closing(
    app: Application, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-01-10")
    load_demo(app.uows)
    closed = [code for code, status in _assemblies(app) if status == "closed"]
    assert closed, "la démonstration tient au moins une assemblée close"
    code = closed[0]
    setup.set_organisation(app.uows, SYSTEM, OrganisationChanges(name="Alpilles Coopérative"))

    page = minutes.minutes(app.uows, SYSTEM, code, "html").content.decode()

    assert "PTCE Alpilles Réemploi" in page and "Alpilles Coopérative" not in page


def _assemblies(app: Application) -> list[tuple[str, str]]:
    with app.uows() as uow:
        return [(a.code, a.status.value) for a in uow.assemblies.all()]


# --- First run -------------------------------------------------------------------------------


def test_a_new_installation_lists_its_next_steps_until_there_is_nothing_left_to_do(
    app: Application,
) -> None:
    empty = setup.first_run_status(app.uows)
    assert (empty.has_admin, empty.organisation, empty.members) == (False, None, 0)
    assert empty.next_steps_text().startswith(
        "Prochaines étapes : 1. créez le premier administrateur : gouvernance users add "
    )
    step = "2. déclarez l'organisation : gouvernance --as <identifiant> organisation set --name"
    assert step in empty.next_steps_text()

    accounts.add_user(app.uows, SYSTEM, "admin", "mot-de-passe-solide", Role.ADMIN)
    declared(app)
    _new_member(app)

    ready = setup.first_run_status(app.uows)
    assert ready.ready and ready.members == 1 and ready.organisation == "Réseau des Cigales"
    assert ready.next_steps == () and ready.next_steps_text() == ""
