"""The verification file of the demo's closed assembly, read from a real database (SQLite, and
PostgreSQL when its URL is set): conforming, the same bytes every time, printed in the
minutes by its SHA-256, holding every voter's receipt and no name nor any secret choice;
refused while an assembly is open."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest

from gouvernance.bootstrap import Application
from gouvernance.domain.assembly.publication import check_file
from gouvernance.domain.errors import Conflict
from gouvernance.domain.users import Actor, Role
from gouvernance.services.assembly import assemblies, minutes, online, publication

CLOSED, OPEN = "AG-2026-01", "AG-2026-02"  # the demo's assemblies
SCRUTINEER = Actor("scrutateur", Role.SCRUTINEER)
MEMBER = Actor("adherent", Role.MEMBER, member_code="RESSOURCERIE")
SECRET, OPEN_BALLOT, HANDS = 1, 2, 3  # the resolutions of the closed assembly, by method


@pytest.fixture
def demo(
    app: Application, demo_loader: Callable[[str], None], database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Application:  # fmt: skip
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-14")
    demo_loader(database_url)
    return app


def published(app: Application, actor: Actor = MEMBER) -> bytes:
    return publication.publication(app.uows, actor, CLOSED).content


def resolution(document: dict[str, Any], number: int) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in document["resolutions"] if r["number"] == number)
    return found


def test_a_member_downloads_a_conforming_file_the_same_bytes_every_time(
    demo: Application,
) -> None:
    document = publication.publication(demo.uows, MEMBER, CLOSED)
    assert document.filename == "verification-AG-2026-01.json"
    assert document.media_type == "application/json"
    assert document.content == published(demo, SCRUTINEER)
    report = check_file(document.content)
    assert report.findings == ()
    assert (
        report.verdict == "conforme : les 3 résolutions recalculées correspondent au procès-verbal"
    )


def test_the_file_holds_what_the_tally_read_and_the_results_of_the_minutes(
    demo: Application,
) -> None:
    document = json.loads(published(demo))
    view = assemblies.tally(demo.uows, MEMBER, CLOSED)
    assert document["results"] == json.loads(view.tally.to_json())
    assert document["turnout"] == {
        "": {"entitled": 43, "attending": 40, "blank_proxies": 1,
             "modes": {"present": 30, "remote": 2, "postal": 2, "represented": 5,
                       "blank_proxy": 1}},
    }  # fmt: skip
    assert document["roll"]["colleges"] == {"": {"entitled": 43, "not_entitled": 0}}
    assert [r["method"] for r in document["resolutions"]] == ["secret", "open", "show_of_hands"]
    assert resolution(document, HANDS)["counts"] == {
        "": {"for": 36, "against": 1, "abstain": 2, "blank": 0, "null": 0}
    }
    assert resolution(document, HANDS)["receipts"] == []
    assert document["rules"]["statutes_id"] == "demo-statuts-association"


def test_every_voters_receipt_is_listed_under_its_resolution(demo: Application) -> None:
    document = json.loads(published(demo))
    for number in (SECRET, OPEN_BALLOT):
        receipt = online.ballot_receipt(demo.uows, MEMBER, CLOSED, number, "RESSOURCERIE")
        listed = resolution(document, number)["receipts"]
        assert receipt.fingerprint in listed
        assert len(listed) == len(set(listed)) == 39  # 40 attending, one by blank proxy
        assert listed == sorted(listed)
        check = publication.check_receipt(demo.uows, MEMBER, receipt)
        assert check == publication.ReceiptCheck(counted=True, receipts=39)
    secret = online.ballot_receipt(demo.uows, MEMBER, CLOSED, SECRET, "RESSOURCERIE")
    found, line = check_file(published(demo)).receipt(secret.fingerprint)
    assert found
    assert line == f"reçu {secret.fingerprint} : compté pour la résolution n° 1 (parmi 39 reçus)"


def test_the_file_holds_no_name_no_member_code_and_no_secret_choice(demo: Application) -> None:
    text = published(demo).decode("utf-8")
    roll = assemblies.roll_view(demo.uows, SCRUTINEER, CLOSED)
    assert len(roll) == 43
    for line in roll:
        assert line.name not in text
        assert f'"{line.member_code}"' not in text and f"{line.member_code}\t" not in text
    secret = resolution(json.loads(text), SECRET)
    # A secret resolution is its counts per college and its receipts: nothing per voter.
    assert set(secret) == {"number", "title", "decision_kind", "proposer", "method", "counts",
                           "receipts"}  # fmt: skip
    assert secret["counts"] == {"": {"for": 33, "against": 4, "abstain": 2, "blank": 0, "null": 0}}
    assert all(len(receipt) == 19 for receipt in secret["receipts"])
    assert '"choice"' not in text


def test_the_roll_digest_is_recomputed_from_the_roll_a_member_reads(demo: Application) -> None:
    roll = assemblies.roll_view(demo.uows, MEMBER, CLOSED)
    lines = sorted((line.member_code, line.college, line.entitled) for line in roll)
    text = "".join(f"{code}\t{college}\t{int(entitled)}\n" for code, college, entitled in lines)
    expected = hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert json.loads(published(demo))["roll"]["sha256"] == expected


def test_the_minutes_print_the_sha256_of_the_file_next_to_the_results(
    demo: Application,
) -> None:
    digest = hashlib.sha256(published(demo)).hexdigest()
    text = minutes.content(demo.uows, MEMBER, CLOSED)
    assert text.verification[0] == (
        "Fichier de vérification verification-AG-2026-01.json, empreinte SHA-256\u00a0:"
    )
    assert text.verification[1] == digest
    page = minutes.minutes(demo.uows, MEMBER, CLOSED, "html").content.decode("utf-8")
    results, signatures = page.index("Résolution 3 —"), page.index("<h2>Signatures</h2>")
    assert results < page.index("Vérification des résultats") < signatures
    assert f"<code>{digest}</code>" in page
    pdf = minutes.minutes(demo.uows, MEMBER, CLOSED, "pdf").content
    assert pdf.startswith(b"%PDF")
    assert minutes.minutes(demo.uows, MEMBER, CLOSED, "pdf").content == pdf


def test_the_draft_minutes_of_an_open_assembly_name_no_file(demo: Application) -> None:
    assert minutes.content(demo.uows, SCRUTINEER, OPEN).verification == ()


def test_the_file_is_refused_in_french_while_the_assembly_is_open(demo: Application) -> None:
    with pytest.raises(Conflict) as refused:
        publication.publication(demo.uows, SCRUTINEER, OPEN)
    assert refused.value.message == (
        "l'assemblée AG-2026-02 est encore ouverte : le fichier de vérification est publié à sa "
        "clôture"
    )
