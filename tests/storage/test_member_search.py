"""Searching the registry by name, code or SIREN, on SQLite and PostgreSQL: accents and capitals
aside, through the index of migration 0011 (FTS5 trigram table, GIN trigram index), never by
reading the whole table."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from gouvernance.bootstrap import Application
from gouvernance.domain.members import MemberDraft, PersonKind
from gouvernance.domain.siren import luhn_complete
from gouvernance.domain.users import SYSTEM
from gouvernance.services.ports import MemberFilter
from gouvernance.services.registry import members


def _legal(app: Application, name: str, siren: str, code: str | None = None) -> str:
    draft = MemberDraft(
        kind=PersonKind.LEGAL,
        category="producer",
        joined_on=date(2020, 1, 1),
        name=name,
        siren=siren,
        code=code,
    )
    return members.create_member(app.uows, SYSTEM, draft).code


def _person(app: Application, first_name: str, last_name: str) -> str:
    draft = MemberDraft(
        kind=PersonKind.NATURAL,
        category="volunteer",
        joined_on=date(2020, 1, 1),
        first_name=first_name,
        last_name=last_name,
    )
    return members.create_member(app.uows, SYSTEM, draft).code


def _found(app: Application, search: str) -> list[str]:
    page = members.list_members(app.uows, SYSTEM, MemberFilter(search=search), 0, 50)
    return [view.code for view in page.items]


@pytest.fixture
def registry(app: Application) -> dict[str, str]:
    return {
        "société": _legal(app, "Société Coopérative du Pays", luhn_complete("41500120"), "SCOOP"),
        "œuvres": _legal(app, "ŒUVRES SOLIDAIRES", siren=luhn_complete("73282930")),
        "élodie": _person(app, "Élodie", "Garçon"),
        "marie": _person(app, "Marie", "Aubert"),
        "pourcent": _legal(app, "Remise 50% Lyon", luhn_complete("51600230")),
    }


def test_a_name_is_found_without_its_accents_nor_its_capitals(
    app: Application, registry: dict[str, str]
) -> None:
    assert _found(app, "societe") == [registry["société"]]
    assert _found(app, "COOPÉRATIVE") == [registry["société"]]
    assert _found(app, "oeuvres") == [registry["œuvres"]]
    assert _found(app, "ELODIE") == [registry["élodie"]]
    assert _found(app, "garcon") == [registry["élodie"]]


def test_a_first_and_last_name_are_found_together_a_code_and_a_siren_on_their_own(
    app: Application, registry: dict[str, str]
) -> None:
    assert _found(app, "marie aubert") == [registry["marie"]]
    assert _found(app, "scoop") == [registry["société"]]
    assert _found(app, luhn_complete("73282930")[2:7]) == [registry["œuvres"]]
    assert _found(app, "pays scoop") == []  # the name and the code are not one text


def test_wildcards_typed_are_searched_as_characters(
    app: Application, registry: dict[str, str]
) -> None:
    assert _found(app, "50%") == [registry["pourcent"]]
    assert _found(app, "5_%") == []
    assert _found(app, "%") == [registry["pourcent"]]


def test_a_renamed_member_is_found_by_the_new_name_only(
    app: Application, registry: dict[str, str]
) -> None:
    code = registry["marie"]
    members.update_member(app.uows, SYSTEM, code, {"last_name": "Bérézina"})
    assert _found(app, "berezina") == [code]
    assert _found(app, "aubert") == []


def test_the_search_reads_the_index_not_the_whole_table(
    app: Application, registry: dict[str, str]
) -> None:
    """The statements of a search, explained by the database: the name index serves them."""
    statements: list[tuple[str, object]] = []
    engine = app.uows.engine  # type: ignore[attr-defined]

    def seen(_c: object, _cursor: object, statement: str, parameters: object, *_: object) -> None:
        if "members" in statement and "LIKE" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert _found(app, "coopérative") == [registry["société"]]
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(statements) == 2  # the count, then the page
    postgresql = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        if postgresql:  # a scan costs more than any index there is: the index, if it fits
            connection.exec_driver_sql("SET enable_seqscan = off")
            connection.exec_driver_sql("SET enable_indexscan = off")  # the code's, for ORDER BY
        for statement, parameters in statements:
            explain = "EXPLAIN " if postgresql else "EXPLAIN QUERY PLAN "
            rows = connection.exec_driver_sql(explain + statement, parameters).all()  # type: ignore[arg-type]
            plan = "\n".join(str(row[-1]) for row in rows)
            if postgresql:
                assert "ix_members_search" in plan, plan
                assert "Seq Scan on members" not in plan, plan
            else:
                assert "VIRTUAL TABLE INDEX 0:L" in plan, plan  # LIKE handed to FTS5
                assert "SEARCH members USING INTEGER PRIMARY KEY" in plan, plan
                assert "SCAN members" not in plan.replace("SCAN members_search", ""), plan
