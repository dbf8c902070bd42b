"""The demo organisation loads the same on SQLite and PostgreSQL, once, and says what it is."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest
import yaml

from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.model import AssemblyStatus, Attendance, Choice, Method
from gouvernance.domain.assembly.tally import Counts, Outcome
from gouvernance.domain.errors import Conflict, InvalidInput
from gouvernance.domain.facts import FactKind, MissingFact
from gouvernance.domain.organisation import Organisation
from gouvernance.domain.siren import siren_problem
from gouvernance.domain.users import SYSTEM, Role
from gouvernance.services.access import accounts
from gouvernance.services.assembly import assemblies
from gouvernance.services.demo_data.demo import (
    demo_accounts,
    load_demo,
    packaged_document,
    parse_demo,
)
from gouvernance.services.organisation import setup
from gouvernance.services.ports import MemberFilter
from gouvernance.services.registry import members

RAW = resources.files("gouvernance.demo").joinpath("organisation.yaml").read_text("utf-8")


def _registry(app: Application) -> list[members.MemberView]:
    return list(members.list_members(app.uows, SYSTEM, MemberFilter(), limit=500).items)


def _audit_size(app: Application) -> int:
    with app.uows() as uow:
        return len(uow.audit.recent(10_000))


def test_the_demo_loads_the_whole_organisation_with_the_expected_counts(
    app: Application,
) -> None:
    summary = load_demo(app.uows)

    assert summary.organisation == "PTCE Alpilles Réemploi"
    assert (summary.members_created, summary.members_total) == (43, 43)
    assert not summary.already_loaded
    registry = _registry(app)
    assert Counter(m.category for m in registry) == {
        "producer": 5,
        "partner": 2,
        "public_body": 2,
        "employee": 10,
        "beneficiary": 20,
        "volunteer": 4,
    }
    assert sum(1 for m in registry if m.siren) == 8
    organisation = setup.get_organisation(app.uows)
    assert organisation is not None
    assert (organisation.legal_form, organisation.city) == ("association", "Vallon-les-Alpilles")
    population = {
        m.code: {(f.fiscal_year, f.value) for f in m.facts}
        for m in registry
        if m.category == "public_body"
    }
    assert population == {
        "VALLON": {(2025, Decimal("4760.00")), (2026, Decimal("4800.00"))},
        "CC-ALPILLES": {(2025, Decimal("47650.00")), (2026, Decimal("48000.00"))},
    }


def test_loading_the_demo_twice_creates_nothing_the_second_time(app: Application) -> None:
    first = load_demo(app.uows)
    written = _audit_size(app)

    second = load_demo(app.uows)

    assert second.already_loaded
    assert second.members_created == 0
    assert second.members_total == first.members_total
    assert second.accounts == first.accounts
    assert _audit_size(app) == written


def test_an_interrupted_load_is_completed_by_running_it_again(app: Application) -> None:
    document = packaged_document()
    setup.set_organisation(app.uows, SYSTEM, document.organisation.to_domain())
    members.create_member(app.uows, SYSTEM, document.members[0].draft())

    summary = load_demo(app.uows)

    assert (summary.members_created, summary.members_total) == (42, 43)
    assert not summary.already_loaded
    first = members.get_member(app.uows, SYSTEM, document.members[0].code)
    assert len(first.facts) == 10


def test_the_demo_is_refused_in_a_database_that_keeps_another_organisation_s_books(
    app: Application,
) -> None:
    real = Organisation(name="SCIC Réelle", legal_form="scic_sas", siren="732829320")
    setup.set_organisation(app.uows, SYSTEM, real)

    with pytest.raises(Conflict) as refused:
        load_demo(app.uows)

    assert "SCIC Réelle" in refused.value.message
    assert refused.value.field == "organisation"
    assert _registry(app) == []


def test_exactly_one_member_is_at_a_loss_in_2026(app: Application) -> None:
    load_demo(app.uows)

    at_a_loss = [
        (m.code, f.value)
        for m in _registry(app)
        for f in m.facts
        if f.fiscal_year == 2026 and f.kind is FactKind.PROFIT and f.value < 0
    ]

    assert at_a_loss == [("GARRIGUE", Decimal("-6850.00"))]


def test_one_structure_has_no_2026_data_and_reading_its_2026_profit_says_so(
    app: Application,
) -> None:
    load_demo(app.uows)

    without_2026 = [
        m.code
        for m in _registry(app)
        if m.siren and not any(f.fiscal_year == 2026 for f in m.facts)
    ]
    assert without_2026 == ["CRAU-FORMATION"]
    with app.uows() as uow:
        member = uow.members.get("CRAU-FORMATION")
        assert member is not None
        assert member.fact(FactKind.PROFIT, 2025) == Decimal("9700.00")
        with pytest.raises(MissingFact) as missing:
            member.fact(FactKind.PROFIT, 2026)
    assert missing.value.message == "donnée manquante : bénéfice 2026 de Crau Formation"


def test_one_member_joined_in_the_middle_of_2026_and_is_the_only_one_to_join_that_year(
    app: Application,
) -> None:
    load_demo(app.uows)

    joined_2026 = [(m.code, m.joined_on) for m in _registry(app) if m.joined_on.year == 2026]

    assert joined_2026 == [("HUILES-DU-VAL", date(2026, 7, 1))]


def test_every_role_has_a_demo_account_that_can_sign_in(app: Application) -> None:
    summary = load_demo(app.uows)

    assert {a.role for a in summary.accounts} == set(Role)
    assert summary.accounts == demo_accounts()
    for account in summary.accounts:
        assert len(account.password) >= accounts.MIN_PASSWORD
        token = accounts.sign_in(app.uows, account.username, account.password)
        actor = accounts.actor_for_token(app.uows, token)
        assert (actor.username, actor.role, actor.member_code) == (
            account.username,
            account.role,
            account.member_code,
        )
    member_account = next(a for a in summary.accounts if a.role is Role.MEMBER)
    assert member_account.member_code == "RESSOURCERIE"


def test_the_demo_holds_the_closed_and_signed_assembly_that_voted_the_transformation(
    app: Application,
) -> None:
    load_demo(app.uows)

    view = assemblies.assembly_view(app.uows, SYSTEM, "AG-2026-01")
    result = assemblies.tally(app.uows, SYSTEM, "AG-2026-01")

    assert (view.summary.kind, view.summary.held_on, view.summary.status) == (
        "extraordinary",
        date(2026, 11, 14),
        AssemblyStatus.CLOSED,
    )
    assert view.statutes_id == "demo-statuts-association"
    assert (view.entitled, view.proxy_limit) == (43, 2)
    assert dict(view.attendance) == {
        Attendance.PRESENT: 30,
        Attendance.REMOTE: 2,
        Attendance.POSTAL: 2,
        Attendance.REPRESENTED: 5,
        Attendance.BLANK_PROXY: 1,
    }
    quorum = result.tally.quorums[0]
    assert (quorum.attending, quorum.entitled, quorum.reached) == (40, 43, True)
    assert [r.method for r in view.resolutions] == [
        Method.SECRET,
        Method.OPEN,
        Method.SHOW_OF_HANDS,
    ]
    assert [(r.decision_kind, r.headcount, r.outcome) for r in result.tally.resolutions] == [
        ("extraordinary", Counts(34, 4, 2, 0, 0), Outcome.ADOPTED),
        ("extraordinary", Counts(32, 5, 2, 1, 0), Outcome.ADOPTED),
        ("ordinary", Counts(37, 1, 2, 0, 0), Outcome.ADOPTED),
    ]
    assert result.final
    assert sorted(s.role.value for s in view.signatures) == [
        "president",
        "scrutineer",
        "secretary",
    ]


def test_the_demo_s_december_assembly_stays_open_for_visitors_to_vote(app: Application) -> None:
    load_demo(app.uows)
    member = next(a for a in demo_accounts() if a.role is Role.MEMBER)
    actor = accounts.actor_for_token(
        app.uows, accounts.sign_in(app.uows, member.username, member.password)
    )

    view = assemblies.assembly_view(app.uows, SYSTEM, "AG-2026-02")
    receipt = assemblies.cast_ballot(app.uows, actor, "AG-2026-02", 1, "BEN02", Choice.FOR)

    assert (view.summary.kind, view.summary.held_on, view.summary.status) == (
        "ordinary",
        date(2026, 12, 12),
        AssemblyStatus.OPEN,
    )
    assert view.entitled == 43
    assert sum(view.attendance.values()) == 6
    assert [(r.method, r.ballots) for r in view.resolutions] == [
        (Method.OPEN, 0),
        (Method.SECRET, 0),
    ]
    assert (receipt.voter_code, receipt.cast_by) == ("BEN02", "RESSOURCERIE")


# --- The document itself (no database) --------------------------------------------------------


def _sirens(node: Any) -> list[str]:
    """Every value under a ``siren`` key, wherever it is in the raw YAML."""
    if isinstance(node, dict):
        return [
            str(value) if key == "siren" else found
            for key, value in node.items()
            for found in ([value] if key == "siren" else _sirens(value))
        ]
    if isinstance(node, list):
        return [found for item in node for found in _sirens(item)]
    return []


def test_every_siren_of_the_demo_is_a_valid_siren() -> None:
    sirens = _sirens(yaml.safe_load(RAW))

    assert len(sirens) == 9
    assert len(set(sirens)) == 9
    assert {s: siren_problem(s) for s in sirens} == {s: None for s in sirens}


def test_demo_amounts_are_exact_decimals_whether_written_plainly_or_the_french_way() -> None:
    french = RAW.replace('profit: "48000.00"', 'profit: "48 000,00"')

    mistral = next(m for m in parse_demo(french).members if m.code == "MISTRAL")

    assert mistral.facts[2026][FactKind.PROFIT] == Decimal("48000.00")
    assert type(mistral.facts[2026][FactKind.PROFIT]) is Decimal


@pytest.mark.parametrize(
    ("before", "after", "path", "words"),
    [
        (
            'profit: "48000.00"',
            "profit: 48000.50",
            "members[1].facts.2026.profit",
            "entre guillemets",
        ),
        ('profit: "48000.00"', 'profit: "1e30"', "members[1].facts.2026.profit", "pas un nombre"),
        ('siren: "831204763"', 'siren: "831204764"', "members[1].siren", "clé de contrôle"),
        (
            "    category: producer\n    # SARL",
            "    categorie: producer\n    # SARL",
            "members[1]",
            "",
        ),
        ("joined_on: 2026-07-01", "joined_on: 2026-13-01", "members[4].joined_on", "AAAA-MM-JJ"),
        ('headcount: "12.00"', 'headcount: "-12"', "members[1].facts.2026.headcount", "négatif"),
        ("role: scrutineer", "role: scrutin", "accounts[3].role", "valeur inconnue"),
        ("password: demo-admin", "password: court", "accounts[0].password", "8 caractères"),
        ("member_code: RESSOURCERIE", "member_code: NULLEPART", "accounts[4].member_code", ""),
    ],
)
def test_a_bad_demo_document_is_refused_with_its_key_path_in_french(
    before: str, after: str, path: str, words: str
) -> None:
    assert before in RAW
    with pytest.raises(InvalidInput) as refused:
        parse_demo(RAW.replace(before, after, 1))

    fields = [p.field or "" for p in refused.value.problems]
    assert any(f.startswith(path) for f in fields), fields
    assert refused.value.message.startswith("organisation.yaml : ")
    assert words in refused.value.message


def test_an_unreadable_demo_document_names_its_line() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_demo("organisation:\n  name: [PTCE\n", source="essai.yaml")

    assert refused.value.message.startswith("essai.yaml, ligne ")
