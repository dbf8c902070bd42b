"""The API documentation: offline pages, French summaries, declared errors, working examples.

/docs and /redoc must work on a server with no Internet access; every operation reads as French;
every error a client may meet is declared with the one error body the API sends; and the
example bodies shown in the documentation are accepted as they are, on the demo organisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import DESCRIPTION, create_app
from api.errors import ErrorOut, body
from gouvernance.bootstrap import Application
from gouvernance.domain.errors import Problem
from gouvernance.services.clock import VARIABLE as TODAY_VARIABLE
from gouvernance.services.demo_data.demo import load_demo

Headers = dict[str, str]
ERROR_REF = "#/components/schemas/ErrorOut"
WRITES = {"post", "put", "patch", "delete"}

# The first word of a summary: what the operation does, as a French infinitive. A new route
# whose summary starts otherwise ("Get…", "Member list", "Les membres") fails the test below;
# add the verb here only if it is French.
FRENCH_VERBS = {
    "Afficher", "Ajouter", "Annuler", "Calculer", "Changer", "Choisir", "Clore", "Comparer",
    "Connecter", "Déclarer", "Déconnecter", "Réinitialiser", "Rembourser",
    "Consulter", "Contrôler", "Convoquer", "Corriger", "Créer", "Désactiver", "Dépouiller",
    "Émarger", "Émettre", "Enregistrer", "Envoyer", "Établir", "Exporter", "Expliquer",
    "Fermer", "Importer", "Imprimer", "Imputer", "Inscrire", "Lire", "Lister", "Mettre",
    "Modifier", "Obtenir", "Ouvrir", "Ranger", "Rayer", "Réactiver", "Rechercher", "Remplacer",
    "Retirer", "Révoquer", "Saisir", "Signer", "Simuler", "Suivre", "Supprimer", "Télécharger",
    "Voter",
}  # fmt: skip
ENGLISH_WORDS = {
    "the", "of", "and", "a", "an", "to", "for", "with", "from", "is", "are", "get", "list",
    "create", "update", "delete", "add", "read", "show", "by", "in", "on", "this", "its",
}  # fmt: skip
MAX_SUMMARY = 80


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    """The OpenAPI document (it needs no database: routes only)."""
    document: dict[str, Any] = create_app(Application.__new__(Application)).openapi()
    return document


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


# --- Offline pages ----------------------------------------------------------------------------


class _Assets(HTMLParser):
    """Every address a page makes the browser fetch: scripts, styles, icons, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "redoc": "spec-url"}
        for name, value in attrs:
            if tag in wanted and name == wanted[tag] and value:
                self.urls.append(value)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_documentation_page_loads_every_asset_from_the_application_itself(
    client: TestClient, page: str
) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert "https://" not in html and "http://" not in html, "une adresse externe dans la page"
    assets = _Assets()
    assets.feed(html)
    scripts = [u for u in assets.urls if u.endswith(".js")]
    assert scripts, "la page ne charge aucun script"
    assert any(u.endswith((".png", ".ico", ".svg")) for u in assets.urls), "pas d'icône locale"
    for url in assets.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{url} n'est pas servi par l'application"
        fetched = client.get(url)
        assert fetched.status_code == 200, url
        assert fetched.content, url


def test_swagger_ui_sends_the_schema_to_no_outside_validator(client: TestClient) -> None:
    html = client.get("/docs").text
    assert '"validatorUrl": null' in html
    assert "/openapi.json" in html
    assert client.get("/docs/oauth2-redirect").status_code == 200


def test_the_redoc_page_speaks_french_when_javascript_is_off(client: TestClient) -> None:
    html = client.get("/redoc").text
    assert '<html lang="fr">' in html
    assert "activez-le" in html and "Please enable" not in html
    assert "fonts.googleapis" not in html


def test_the_bundles_are_real_swagger_ui_and_redoc(client: TestClient) -> None:
    swagger = client.get("/static/docs/swagger-ui-bundle.js")
    redoc = client.get("/static/docs/redoc.standalone.js")
    assert "SwaggerUIBundle" in swagger.text[:2000]
    assert "Redoc" in redoc.text[:2000]
    assert client.get("/static/docs/swagger-ui.css").headers["content-type"].startswith("text/css")


# --- French summaries, tags and descriptions ---------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-zÀ-ÿ'-]+", text)


def _verb(words: list[str]) -> str:
    """The infinitive a summary starts with, « Connecter » for « Se connecter »."""
    if not words:
        return ""
    if words[0] == "Se" and len(words) > 1:
        return words[1].capitalize()
    if words[0].startswith("S'"):
        return words[0][2:].capitalize()
    return words[0]


def _generated_summary(path: str, method: str, operation: dict[str, Any]) -> str:
    """What FastAPI shows without ``summary=``: the function name in title case, read back
    from the operation id (« list_members_members_get » for GET /members)."""
    name = str(operation["operationId"]).removesuffix(re.sub(r"\W", "_", path) + f"_{method}")
    return name.replace("_", " ").title()


def test_every_operation_has_an_explicit_short_french_summary(spec: dict[str, Any]) -> None:
    wrong = []
    for path, method, operation in _operations(spec):
        summary = operation.get("summary", "")
        generated = _generated_summary(path, method, operation)
        words = _words(summary)
        verb = _verb(words)
        english = {w.lower() for w in words} & ENGLISH_WORDS
        why = [
            reason
            for reason, failed in (
                ("résumé généré, pas de summary=", not summary or summary == generated),
                ("pas de verbe à l'infinitif en tête (FRENCH_VERBS)", verb not in FRENCH_VERBS),
                (f"mots anglais {sorted(english)}", bool(english)),
                (f"plus de {MAX_SUMMARY} caractères", len(summary) > MAX_SUMMARY),
            )
            if failed
        ]
        if why:
            wrong.append(f"{method.upper()} {path} : « {summary} » ({' ; '.join(why)})")
    assert not wrong, "résumés à écrire en français (« Lister les membres ») :\n" + "\n".join(wrong)


def test_every_operation_is_under_a_declared_french_tag(spec: dict[str, Any]) -> None:
    declared = {tag["name"]: tag.get("description", "") for tag in spec["tags"]}
    for path, method, operation in _operations(spec):
        assert operation.get("tags"), f"{method} {path} sans étiquette"
        for tag in operation["tags"]:
            assert declared.get(tag), f"étiquette « {tag} » sans description dans api/app.py TAGS"
    for description in declared.values():
        assert not {w.lower() for w in _words(description)} & ENGLISH_WORDS, description


def test_no_operation_shows_an_english_description(spec: dict[str, Any]) -> None:
    """A route's docstring becomes its description: it must be French, or replaced by
    ``description=`` in French."""
    english = []
    for path, method, operation in _operations(spec):
        responses = [r["description"] for r in operation["responses"].values()]
        for text in (operation.get("description", ""), *responses):
            words = {w.lower() for w in _words(text)}
            if words & {"the", "is", "are", "from", "its", "and"} or text == "Successful Response":
                english.append(f"{method.upper()} {path} : {text}")
    assert not english, "descriptions en anglais :\n" + "\n".join(english)


def test_the_description_tells_in_french_how_to_sign_in_and_read_errors(
    spec: dict[str, Any],
) -> None:
    assert spec["info"]["description"] == DESCRIPTION
    for said in ("POST /auth/token", "Authorization: Bearer", '"error"', "1 262,50", "/redoc"):
        assert said in DESCRIPTION
    assert "Idempotency-Key" in DESCRIPTION
    assert not {w.lower() for w in _words(DESCRIPTION)} & {"the", "and", "with", "your"}


# --- Declared errors ---------------------------------------------------------------------------


def _expected(path: str, method: str, operation: dict[str, Any]) -> set[str]:
    """The rule of api/openapi.py, written again from the outside."""
    if path == "/auth/token":
        return {"400", "401", "422", "429", "500", "503"}
    codes = {"400", "422", "500", "503"}
    if operation.get("security"):
        codes |= {"401", "403"}
    if "{" in path:
        codes.add("404")
    if method in WRITES:
        codes |= {"404", "409"}
    return codes


def test_every_operation_declares_its_errors_with_the_error_schema(spec: dict[str, Any]) -> None:
    for path, method, operation in _operations(spec):
        responses = operation["responses"]
        missing = _expected(path, method, operation) - set(responses)
        assert not missing, f"{method} {path} ne déclare pas {sorted(missing)}"
        for status, response in responses.items():
            if status[0] in "45":
                content = response["content"]
                assert list(content) == ["application/json"], f"{method} {path} {status}"
                assert content["application/json"]["schema"] == {"$ref": ERROR_REF}


def test_fastapi_default_validation_schema_is_replaced_by_ours(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    assert schemas["ErrorOut"]["properties"]["error"] == {
        "$ref": "#/components/schemas/ErrorDetailOut"
    }
    detail = schemas["ErrorDetailOut"]
    assert set(detail["properties"]) == {"code", "message", "field", "problems"}
    assert all(example_is_an_error(r) for r in _error_examples(spec))


def _error_examples(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for _path, _method, operation in _operations(spec):
        for status, response in operation["responses"].items():
            if status[0] in "45":
                yield response["content"]["application/json"]["example"]


def example_is_an_error(example: dict[str, Any]) -> bool:
    return ErrorOut.model_validate(example).error.message != ""


def test_the_error_schema_matches_what_the_api_really_sends(
    client: TestClient, as_admin: Headers
) -> None:
    built = body("conflit", "déjà enregistré", "code", [Problem("doublon", "code", 3)])
    assert ErrorOut.model_validate(built).model_dump() == built
    refused = [
        client.get("/me"),  # 401
        client.get("/members/INCONNU", headers=as_admin),  # 404
        client.post("/members", json={"kind": "robot"}, headers=as_admin),  # 422
        client.post("/auth/token", data={"username": "personne", "password": "x"}),  # 401
    ]
    assert [r.status_code for r in refused] == [401, 404, 422, 401]
    for response in refused:
        assert ErrorOut.model_validate(response.json()).model_dump() == response.json()


def test_a_route_added_later_gets_the_error_responses_without_doing_anything() -> None:
    app = create_app(Application.__new__(Application))
    assert "/essai/{code}" not in app.openapi()["paths"]  # built once, then cached

    @app.get("/essai/{code}")
    def essai(code: str) -> dict[str, str]:
        return {"code": code}

    responses = app.openapi()["paths"]["/essai/{code}"]["get"]["responses"]
    assert {"400", "404", "422", "500", "503"} <= set(responses)
    assert responses["422"]["content"]["application/json"]["schema"] == {"$ref": ERROR_REF}


# --- Examples ----------------------------------------------------------------------------------


def _body_schema(spec: dict[str, Any], path: str, method: str) -> dict[str, Any] | None:
    request = spec["paths"][path][method].get("requestBody")
    if request is None or "application/json" not in request["content"]:
        return None
    schema = request["content"]["application/json"]["schema"]
    ref = schema.get("$ref") or next(s["$ref"] for s in schema["anyOf"] if "$ref" in s)
    found: dict[str, Any] = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return found


def _example(spec: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    schema = _body_schema(spec, path, method)
    assert schema is not None and schema.get("examples"), f"{method} {path} : pas d'exemple"
    example: dict[str, Any] = schema["examples"][0]
    return example


def test_every_json_request_body_shows_an_example(spec: dict[str, Any]) -> None:
    missing = [
        f"{method.upper()} {path}"
        for path, method, _operation in _operations(spec)
        if (schema := _body_schema(spec, path, method)) is not None and not schema.get("examples")
    ]
    assert not missing, "corps sans exemple (json_schema_extra) : " + ", ".join(missing)


# Every example body, posted as the documentation shows it, in an order that tells a story:
# a member joins and leaves, the 2027 calls are issued and MISTRAL pays its 1 262,50 €, MISTRAL
# subscribes shares and withdraws two, the June 2027 assembly is held, the two shares are
# refunded a year after their withdrawal. (method, documented path, real path).
BEFORE_THE_ASSEMBLY = [
    ("post", "/categories", "/categories"),
    ("post", "/users", "/users"),
    ("post", "/members", "/members"),
    ("patch", "/members/{code}", "/members/MISTRAL"),
    ("put", "/members/{code}/facts/{fiscal_year}", "/members/VELO-SOLIDAIRE/facts/2026"),
    ("post", "/members/{code}/end", "/members/VELO-SOLIDAIRE/end"),
    ("post", "/fees/simulations", "/fees/simulations"),
    ("post", "/calls/batches", "/calls/batches"),
    ("post", "/calls/{reference}/credit-notes", "/calls/AC-2027-0006/credit-notes"),
    ("post", "/payments", "/payments"),
    ("post", "/members/{code}/credit/apply", "/members/MISTRAL/credit/apply"),
    ("post", "/reminders/send", "/reminders/send"),
    ("put", "/members/{code}/mandate", "/members/MISTRAL/mandate"),
    ("put", "/organisation/bank", "/organisation/bank"),
    ("put", "/organisation/statutes", "/organisation/statutes"),
    ("post", "/surplus/simulations", "/surplus/simulations"),
    ("post", "/capital/subscriptions", "/capital/subscriptions"),
    ("post", "/capital/payments", "/capital/payments"),
    ("post", "/capital/withdrawals", "/capital/withdrawals"),
]
# Accounts, categories and the organisation's identity are tried by their own tests; the bank
# lines' examples need an imported statement (tests/api/test_bank_api.py posts them as shown).
ELSEWHERE = ("/auth", "/me", "/users", "/categories", "/organisation", "/bank")
AT_THE_ASSEMBLY = [
    ("post", "/assemblies/{code}/attendance", "attendance"),
    ("post", "/assemblies/{code}/resolutions", "resolutions"),
    ("post", "/assemblies/{code}/resolutions/{number}/ballots", "resolutions/1/ballots"),
]


def _demo_admin(app: Application, client: TestClient) -> Headers:
    load_demo(app.uows)
    response = client.post("/auth/token", data={"username": "admin", "password": "demo-admin"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_every_example_body_is_accepted_as_shown_on_the_demo(
    app: Application, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec: dict[str, Any] = client.app.openapi()  # type: ignore[attr-defined]
    monkeypatch.setenv(TODAY_VARIABLE, "2027-01-20")
    admin = _demo_admin(app, client)
    posted = set()
    for method, documented, real in BEFORE_THE_ASSEMBLY:
        response = client.request(
            method, real, json=_example(spec, documented, method), headers=admin
        )
        assert 200 <= response.status_code < 300, f"{method} {real} : {response.text}"
        posted.add((documented, method))

    monkeypatch.setenv(TODAY_VARIABLE, "2027-06-26")
    convened = client.post("/assemblies", json=_example(spec, "/assemblies", "post"), headers=admin)
    assert convened.status_code == 201, convened.text
    posted.add(("/assemblies", "post"))
    code = convened.json()["code"]
    for method, documented, tail in AT_THE_ASSEMBLY:
        response = client.request(
            method,
            f"/assemblies/{code}/{tail}",
            json=_example(spec, documented, method),
            headers=admin,
        )
        assert 200 <= response.status_code < 300, f"{method} {tail} : {response.text}"
        posted.add((documented, method))
    show_of_hands = {
        **_example(spec, "/assemblies/{code}/resolutions", "post"),
        "title": "Montant de la cotisation 2028",
        "method": "show_of_hands",
    }
    number = client.post(
        f"/assemblies/{code}/resolutions", json=show_of_hands, headers=admin
    ).json()["number"]
    counts = "/assemblies/{code}/resolutions/{number}/counts/{college}"
    response = client.put(
        f"/assemblies/{code}/resolutions/{number}/counts/producteurs",
        json=_example(spec, counts, "put"),
        headers=admin,
    )
    assert response.status_code == 200, response.text
    posted.add((counts, "put"))
    assert client.post(f"/assemblies/{code}/close", headers=admin).status_code == 200
    signatures = "/assemblies/{code}/signatures"
    signed = client.post(
        f"/assemblies/{code}/signatures", json=_example(spec, signatures, "post"), headers=admin
    )
    assert signed.status_code == 201, signed.text
    posted.add((signatures, "post"))

    monkeypatch.setenv(TODAY_VARIABLE, "2028-01-20")  # a withdrawal is refunded a year later
    refund = client.post(
        "/capital/refunds", json=_example(spec, "/capital/refunds", "post"), headers=admin
    )
    assert refund.status_code == 201, refund.text
    posted.add(("/capital/refunds", "post"))

    untried = {
        (path, method)
        for path, method, _ in _operations(spec)
        if _body_schema(spec, path, method) is not None
        and (path, method) not in posted
        and not path.startswith(ELSEWHERE)
    }
    assert not untried, f"exemples jamais essayés : {sorted(untried)}"
