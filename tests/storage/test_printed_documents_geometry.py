"""Every document the demo organisation prints, read back from the PDF itself (pdfminer.six):
no line of text outside the page's margins, a « page n/N » footer on every page, a reminder on
one page, no code cut across two lines of a table, the result of each resolution stated once.

Issue 17: a heading ran off the page at x = 598.9 pt on a 595 pt page, pages of the minutes had
no number, each reminder took two pages (the second holding only the signature)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTPage, LTRect, LTTextContainer, LTTextLine
from sqlite_copies import copy_sqlite

from gouvernance.bootstrap import Application, bootstrap
from gouvernance.domain.users import SYSTEM, Actor, Role
from gouvernance.services.assembly import convocation, minutes
from gouvernance.services.ledger import calls, treasury
from gouvernance.services.printing.documents import MARGIN
from gouvernance.services.scic import capital, certificates, transition, transition_document

BOARD = Actor("bureau", Role.BOARD)
TREASURER = Actor("tresorier", Role.TREASURER)
MM = 72 / 25.4  # points in a millimetre
SLACK = 0.5  # points: fpdf2 places a line's glyphs to a few hundredths of a point
FOOTER = re.compile(r"page (\d+)/(\d+)\s*$")
LONG_CODES = ("CRAU-FORMATION", "CRAU-INSERTION", "HUILES-DU-VAL", "RESSOURCERIE", "CC-ALPILLES")


@dataclass(frozen=True)
class Line:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Printed:
    name: str
    pages: tuple[LTPage, ...]

    def lines(self) -> Iterator[Line]:
        for number, page in enumerate(self.pages, start=1):
            for box in page:
                if isinstance(box, LTTextContainer):
                    for line in box:
                        if isinstance(line, LTTextLine) and line.get_text().strip():
                            yield Line(number, *line.bbox, line.get_text().strip())

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines())


@dataclass(frozen=True)
class Rendered:
    documents: dict[str, Printed]
    reminders: int  # how many reminder letters the « relances » PDF holds


def _read(name: str, content: bytes) -> Printed:
    assert content.startswith(b"%PDF"), name
    return Printed(name, tuple(extract_pages(BytesIO(content))))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, sqlite_demo_template: Path) -> Rendered:
    """The demo as a treasurer and a chair use it (SQLite: the layout does not depend on the
    database): a batch of calls, the reminders of 20 February 2027, share certificates, the
    transition report, both assemblies' minutes and the convocation — rendered once."""
    target = tmp_path_factory.mktemp("documents") / "demo.sqlite3"
    copy_sqlite(sqlite_demo_template, target)
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2026-12-14")
    application = bootstrap(f"sqlite:///{target}", migrate=False)
    try:
        return _render_all(application, monkeypatch)
    finally:
        application.close()
        monkeypatch.undo()


def _render_all(app: Application, monkeypatch: pytest.MonkeyPatch) -> Rendered:
    uows = app.uows
    issued = calls.issue_calls(
        uows,
        SYSTEM,
        "demo-bareme-ca",
        issued_on=date(2026, 12, 14),
        due_on=date(2026, 12, 31),
        exclude_incomplete=True,
    )
    batch = issued.batch.reference
    found: dict[str, bytes] = {
        "appel": treasury.call_letter(uows, SYSTEM, "AC-2027-0001").content,
        "appels": treasury.batch_letters(uows, SYSTEM, batch).content,
        "rapport": transition_document.document(
            transition.transition_report(uows, SYSTEM, "demo-statuts-scic"), "pdf"
        ).content,
        "convocation": convocation.convocation(uows, BOARD, "AG-2026-02", "pdf").content,
    }
    for code, shares, paid in (("MISTRAL", 20, "250.00"), ("GARRIGUE", 20, "250.00")):
        capital.subscribe(uows, SYSTEM, code, shares, Decimal(paid), date(2026, 11, 16))
        content = certificates.certificate(uows, SYSTEM, code)
        found[f"attestation-{code}"] = certificates.render_pdf(content)
    for code in ("AG-2026-01", "AG-2026-02"):
        found[f"pv-{code}"] = minutes.minutes(uows, SYSTEM, code, "pdf").content
    monkeypatch.setenv("GOUVERNANCE_TODAY", "2027-02-20")
    sent = treasury.send_reminders(uows, TREASURER, date(2027, 2, 20))
    assert sent.letters is not None
    found["relances"] = sent.letters.content
    return Rendered({name: _read(name, pdf) for name, pdf in found.items()}, len(sent.reminders))


def test_the_demo_prints_every_kind_of_document(rendered: Rendered) -> None:
    names = set(rendered.documents)
    assert {"appel", "appels", "relances", "rapport", "convocation"} <= names
    assert {"attestation-MISTRAL", "pv-AG-2026-01", "pv-AG-2026-02"} <= names
    assert all(printed.pages for printed in rendered.documents.values())


def test_no_line_of_any_document_runs_outside_the_page_margins(
    rendered: Rendered,
) -> None:
    outside = []
    for printed in rendered.documents.values():
        for line in printed.lines():
            page = printed.pages[line.page - 1]
            left, right = MARGIN * MM - SLACK, page.width - MARGIN * MM + SLACK
            top, bottom = page.height - 10 * MM, 10 * MM
            if line.x0 < left or line.x1 > right or line.y1 > top or line.y0 < bottom:
                outside.append(f"{printed.name} p.{line.page} x={line.x1:.1f} « {line.text} »")
    assert outside == []


def test_every_page_of_every_document_ends_with_its_number_out_of_the_total(
    rendered: Rendered,
) -> None:
    for printed in rendered.documents.values():
        numbered = []
        for number, page in enumerate(printed.pages, start=1):
            lowest = min(
                (line for line in printed.lines() if line.page == number), key=lambda x: x.y0
            )
            found = FOOTER.search(lowest.text)
            assert found is not None, f"{printed.name} p.{number} : « {lowest.text} »"
            numbered.append((int(found[1]), int(found[2])))
            assert page.height - lowest.y1 > 250 * MM  # at the foot of the page
        if printed.name in {"appels", "relances"}:
            continue  # each letter of a batch counts its own pages
        total = len(printed.pages)
        assert numbered == [(n, total) for n in range(1, total + 1)], printed.name


def test_each_reminder_holds_on_one_page_with_its_signature(
    rendered: Rendered,
) -> None:
    reminders = rendered.documents["relances"]
    count = rendered.reminders
    assert count >= 10
    assert len(reminders.pages) == count
    text = reminders.text()
    assert text.count("page 1/1") == count
    assert text.count("Trésorier bénévole") == count


def test_the_call_letter_frames_the_amount_to_pay_wide_enough_for_it(
    rendered: Rendered,
) -> None:
    letter = rendered.documents["appel"]
    (page,) = letter.pages
    frames = [item for item in page if isinstance(item, LTRect)]
    amount = next(line for line in letter.lines() if line.text.startswith("Montant à régler"))
    assert any(
        frame.x0 < amount.x0 and frame.x1 > amount.x1 and frame.y0 < amount.y0 < frame.y1
        for frame in frames
    )


def test_no_member_code_is_cut_across_two_lines_of_a_table(
    rendered: Rendered,
) -> None:
    for name in ("rapport", "pv-AG-2026-01"):
        lines = {line.text.split()[0] for line in rendered.documents[name].lines() if line.text}
        for code in LONG_CODES:
            assert code in lines, f"{name} : {code}"


def test_the_certificate_names_its_place_its_signatory_and_leaves_a_line_to_sign(
    rendered: Rendered,
) -> None:
    text = rendered.documents["attestation-MISTRAL"].text()
    assert "Fait à Vallon-les-Alpilles, le 14 décembre 2026." in text
    assert "Mireille Aubanel" in text
    assert "Présidente" in text
    assert "Signature" in text


def test_the_minutes_name_accounts_as_people_and_state_each_result_once(
    rendered: Rendered,
) -> None:
    text = rendered.documents["pv-AG-2026-01"].text()
    assert "cli:" not in text
    assert "par le compte bureau (conseil d'administration)" in text
    assert text.count("Résolution adoptée.") == 3
    assert "des voix en faveur" not in text
    draft = rendered.documents["pv-AG-2026-02"].text()
    assert "« L'assemblée élit" in draft  # sealed vote: quoted, not stated as done
