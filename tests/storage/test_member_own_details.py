"""A member changes their own contact details through the service, which alone decides what a
member may change: e-mail, phone and postal address, never what the treasurer keeps."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.errors import Conflict, Forbidden, InvalidInput
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services import audit
from gouvernance.services.registry import members
from gouvernance.services.registry.views import MemberView

RESSOURCERIE = MemberDraft(
    kind=PersonKind.LEGAL, category="producer", joined_on=date(2019, 3, 1), code="RESSOURCERIE",
    name="Ressourcerie des Alpilles", siren="732 829 320", email="bonjour@ressourcerie.example",
    phone="04 90 00 00 00",
)  # fmt: skip
MISTRAL = MemberDraft(
    kind=PersonKind.LEGAL, category="producer", joined_on=date(2020, 1, 6), code="MISTRAL",
    name="SARL Mistral Recyclage", siren="552 100 554",
)  # fmt: skip
OWNER = Actor("adherent", Role.MEMBER, "RESSOURCERIE")


@pytest.fixture
def own(app: Application) -> MemberView:
    members.create_member(app.uows, SYSTEM, MISTRAL)
    return members.create_member(app.uows, SYSTEM, RESSOURCERIE)


def _entries(app: Application) -> int:
    return len(audit.recent(app.uows, SYSTEM, 1000))


def _unchanged(app: Application, before: MemberView, written: int) -> None:
    assert members.get_member(app.uows, SYSTEM, before.code) == before
    assert _entries(app) == written


def test_a_member_changes_their_email_and_postal_address_audited_with_a_new_version(
    app: Application, own: MemberView
) -> None:
    after = members.update_own_details(
        app.uows, OWNER, "ressourcerie",
        {"email": " Contact@Ressourcerie.EXAMPLE ", "address": "3 rue du Four",
         "postal_code": "13990", "city": "Maussane-les-Alpilles", "phone": ""},
        own.version,
    )  # fmt: skip
    assert after.email == "contact@ressourcerie.example" and after.phone is None
    assert (after.address, after.postal_code) == ("3 rue du Four", "13990")
    assert after.version == own.version + 1
    assert (after.name, after.siren, after.category) == (own.name, own.siren, own.category)
    assert members.get_member(app.uows, SYSTEM, "RESSOURCERIE") == after
    entry = audit.recent(app.uows, SYSTEM, 1)[0]
    assert (entry.action, entry.actor, entry.entity_key) == (
        "membre.coordonnées", "adherent", "RESSOURCERIE",
    )  # fmt: skip
    assert "contact@ressourcerie.example" in entry.detail and "Maussane" in entry.detail


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("name", "Autre raison sociale", "la raison sociale ne se modifie pas ici"),
        ("siren", "552100554", "le SIREN ne se modifie pas ici"),
        ("category", "partner", "la catégorie ne se modifie pas ici"),
        ("joined_on", date(2001, 1, 1), "la date d'adhésion ne se modifie pas ici"),
        ("left_on", date(2026, 1, 1), "la date de sortie ne se modifie pas ici"),
        ("code", "AUTRE", "le code ne se modifie pas ici"),
    ],
)
def test_what_the_treasurer_keeps_is_refused_in_french_and_nothing_is_written(
    app: Application, own: MemberView, name: str, value: Any, words: str
) -> None:
    written = _entries(app)
    with pytest.raises(Forbidden) as refused:
        members.update_own_details(
            app.uows, OWNER, "RESSOURCERIE", {"email": "neuf@exemple.example", name: value},
            own.version,
        )  # fmt: skip
    assert refused.value.field == name and words in refused.value.message
    assert "trésorier" in refused.value.message
    _unchanged(app, own, written)


def test_an_unknown_field_or_a_value_that_is_not_text_is_refused(
    app: Application, own: MemberView
) -> None:
    written = _entries(app)
    with pytest.raises(InvalidInput) as unknown:
        members.update_own_details(app.uows, OWNER, "RESSOURCERIE", {"iban": "FR76"}, own.version)
    assert unknown.value.field == "iban" and "champ inconnu" in unknown.value.message
    with pytest.raises(InvalidInput) as number:
        members.update_own_details(app.uows, OWNER, "RESSOURCERIE", {"phone": 490}, own.version)
    assert number.value.field == "phone"
    _unchanged(app, own, written)


def test_a_member_cannot_change_another_members_details(app: Application, own: MemberView) -> None:
    other = members.get_member(app.uows, SYSTEM, "MISTRAL")
    written = _entries(app)
    with pytest.raises(Forbidden) as refused:
        members.update_own_details(
            app.uows, OWNER, "MISTRAL", {"email": "pirate@exemple.example"}, other.version
        )
    assert "propres coordonnées" in refused.value.message
    _unchanged(app, other, written)


def test_a_staff_account_uses_the_registry_not_the_members_own_form(
    app: Application, own: MemberView
) -> None:
    written = _entries(app)
    with pytest.raises(Forbidden):
        members.update_own_details(
            app.uows, SYSTEM, "RESSOURCERIE", {"email": "admin@exemple.example"}, own.version
        )
    _unchanged(app, own, written)


def test_a_form_read_before_another_change_is_refused_rather_than_overwriting_it(
    app: Application, own: MemberView
) -> None:
    changed = members.update_member(app.uows, SYSTEM, "RESSOURCERIE", {"phone": "04 90 11 11 11"})
    written = _entries(app)
    with pytest.raises(Conflict) as refused:
        members.update_own_details(
            app.uows, OWNER, "RESSOURCERIE", {"phone": "06 00 00 00 00"}, own.version
        )
    assert refused.value.field == "version" and "modifiée entre-temps" in refused.value.message
    _unchanged(app, changed, written)


def test_a_bad_email_or_postal_code_is_refused_with_every_problem_and_nothing_is_written(
    app: Application, own: MemberView
) -> None:
    written = _entries(app)
    with pytest.raises(InvalidInput) as refused:
        members.update_own_details(
            app.uows, OWNER, "RESSOURCERIE",
            {"email": "pas-une-adresse", "postal_code": "139"}, own.version,
        )  # fmt: skip
    assert refused.value.field == "email"
    assert {p.field for p in refused.value.problems} == {"email", "postal_code"}
    _unchanged(app, own, written)


def test_sending_the_same_details_again_changes_nothing_and_audits_nothing(
    app: Application, own: MemberView
) -> None:
    written = _entries(app)
    same = members.update_own_details(
        app.uows, OWNER, "RESSOURCERIE",
        {"email": "BONJOUR@ressourcerie.example", "phone": " 04 90 00 00 00 "}, own.version,
    )  # fmt: skip
    assert same == own
    _unchanged(app, own, written)
