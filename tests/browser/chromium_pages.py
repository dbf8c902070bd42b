"""What every browser test does on each page it visits: open it, check it, photograph it.

A module with a name of its own (not ``conftest``): the test modules import ``Visitor``.

The checks of ``Visitor.check``, on every page:

- **accessibility**: axe-core (vendored, ``vendor/axe.min.js``), rules WCAG 2 A and AA; no
  violation of impact « serious » or « critical »; the others are printed;
- **security policy**: the page breaks none of its own rules (``Content-Security-Policy``: no
  inline script or style) — Chromium says so on its console, which is watched;
- **no script error**, no style sheet, script, image or feed answered with an error, and
  **nothing but loopback**: a request to another address fails the test (the browser resolves
  no name at all, see ``conftest.CHROMIUM_ARGS``);
- **no sideways scrolling** at 360 px;
- a **screenshot** of the whole page, ``<name>-<width>.png`` in the capture folder (128
  colours, at most 4 000 px high: small enough to be kept in docs/captures for the guides).

axe is evaluated by Playwright (``page.evaluate``), which the page's CSP does not govern:
``add_script_tag`` would insert an inline ``<script>`` that our ``script-src 'self'`` refuses,
and ``bypass_csp`` would switch the policy off for the whole context, hiding the very
violations checked here.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import (
    ConsoleMessage,
    FloatRect,
    Locator,
    Page,
    Request,
    Response,
    ViewportSize,
)

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE_SOURCE = (VENDOR / "axe.min.js").read_text(encoding="utf-8")
AXE_FRENCH = (VENDOR / "axe.fr.json").read_text(encoding="utf-8")
BLOCKING = {"serious", "critical"}
PHONE: ViewportSize = {"width": 360, "height": 800}
DESK: ViewportSize = {"width": 1280, "height": 900}
MAX_CAPTURE_HEIGHT = 4000

_RUN_AXE = """async (locale) => {
  axe.configure({ locale: JSON.parse(locale) });
  const result = await axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] },
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + " — " + n.failureSummary),
  }));
}"""


@dataclass
class Visitor:
    """One person in one browser context (own cookies), on a phone or at a desk."""

    page: Page
    captures: Path
    origin: str
    problems: list[str] = field(default_factory=list)
    pages_checked: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"erreur JS : {error}"))
        self.page.context.on("request", self._request)
        self.page.on("response", self._response)

    @property
    def width(self) -> int:
        size = self.page.viewport_size
        assert size is not None
        return int(size["width"])

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"règle de sécurité enfreinte : {message.text[:300]}")

    def _request(self, request: Request) -> None:
        if not request.url.startswith((self.origin, "data:", "about:")):
            self.problems.append(f"requête hors de la machine : {request.url}")

    def _response(self, response: Response) -> None:
        """A style sheet, script, image or feed that fails (the page itself may be an error)."""
        if response.request.resource_type != "document" and response.status >= 400:
            self.problems.append(f"ressource en erreur {response.status} : {response.url}")

    def open(self, path: str, name: str, *, status: int = 200) -> Response:
        """Go to ``path``, expect ``status``, then check and photograph the page as ``name``."""
        response = self.page.goto(path)
        assert response is not None, path
        assert response.status == status, f"{path} : {response.status} au lieu de {status}"
        self.check(name)
        return response

    def check(self, name: str) -> None:
        """Everything the module docstring lists, on the page as it is now."""
        self.page.wait_for_load_state("load")
        self.capture(name)  # first, so that a page that fails can be looked at
        self._axe(name)
        if self.width <= PHONE["width"]:
            overflow = self.page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, f"{name} : la page déborde de {overflow} px à {self.width} px"
        assert not self.problems, "\n".join(self.problems)
        self.pages_checked.append(name)

    def capture(self, name: str, part: Locator | None = None) -> Path:
        """The whole page (at most ``MAX_CAPTURE_HEIGHT`` px from the top), or one ``part`` of
        it, as ``<name>-<width>.png`` with 128 colours: light enough for the guides in docs/."""
        self.captures.mkdir(parents=True, exist_ok=True)
        target = self.captures / f"{name}-{self.width}.png"
        if part is not None:
            shot = part.screenshot(animations="disabled", caret="hide")
        else:
            height = self.page.evaluate("() => document.documentElement.scrollHeight")
            clip: FloatRect = {
                "x": 0, "y": 0, "width": self.width, "height": min(height, MAX_CAPTURE_HEIGHT),
            }  # fmt: skip
            shot = self.page.screenshot(
                full_page=True, clip=clip, animations="disabled", caret="hide"
            )
        image = Image.open(io.BytesIO(shot)).convert("RGB")
        image.quantize(128, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(target)
        return target

    def _axe(self, name: str) -> None:
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(AXE_SOURCE)
        violations: list[dict[str, Any]] = self.page.evaluate(_RUN_AXE, AXE_FRENCH)
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        for violation in violations:
            if violation["impact"] not in BLOCKING:
                print(f"axe, {name} ({self.width} px) : {_describe(violation)}")
        assert not blocking, f"{name} ({self.width} px) : " + "; ".join(map(_describe, blocking))

    def sign_in(self, username: str, password: str | None = None, *, then: str = "/") -> None:
        """Through the form, as a person does; lands on ``then`` signed in."""
        self.page.goto(f"/connexion?suite={then}")
        self.page.get_by_label("Identifiant").fill(username)
        self.page.get_by_label("Mot de passe").fill(password or f"demo-{username}")
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Se connecter").click()
        assert self.page.url == self.origin + then, self.page.url
        assert username in self.page.locator(".qui").inner_text()

    def text(self) -> str:
        """The visible text of the page's main part, spaces made plain (French figures use
        narrow no-break spaces)."""
        raw = self.page.locator("main").inner_text()
        return re.sub(r"[\u00a0\u202f]", " ", raw)


OpenVisitor = Callable[[ViewportSize], Visitor]


def _describe(violation: dict[str, Any]) -> str:
    where = " | ".join(violation["nodes"][:3])
    return f"[{violation['impact']}] {violation['id']} : {violation['help']} — {where}"
