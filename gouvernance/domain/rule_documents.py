"""Reading a YAML rule document through a pydantic model, every problem with its key path.

Shared by the law parameters and the statutes: a treasurer who mistypes a key gets the file,
the key path (``colleges[2].weight``) and a French reason, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from gouvernance.domain.errors import InvalidInput, Problem
from gouvernance.domain.fees.schedule import RuleError, parse_money
from gouvernance.domain.money import parse_number

Model = TypeVar("Model", bound=BaseModel)

_SHARE = re.compile(r"^\s*(?P<num>\d+)\s*/\s*(?P<den>\d+)\s*$")
_PERCENT = re.compile(r"^\s*(?P<number>[+-]?[\d\s\u00a0\u202f]*[.,]?\d+)\s*%\s*$")

_MESSAGES = {
    "missing": "clé obligatoire absente",
    "extra_forbidden": "clé inconnue (faute de frappe ?)",
    "string_type": "texte attendu (mettez la valeur entre guillemets)",
    "string_too_short": "valeur vide",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "int_from_float": "nombre entier attendu",
    "bool_type": "oui ou non attendu (true / false)",
    "bool_parsing": "oui ou non attendu (true / false)",
    "dict_type": "dictionnaire attendu (clé: valeur)",
    "model_type": "dictionnaire attendu (clé: valeur)",
    "model_attributes_type": "dictionnaire attendu (clé: valeur)",
    "list_type": "liste attendue (lignes commençant par « - »)",
    "date_type": "date attendue au format AAAA-MM-JJ",
    "date_from_datetime_parsing": "date attendue au format AAAA-MM-JJ",
    "date_parsing": "date attendue au format AAAA-MM-JJ",
}


class Strict(BaseModel):
    """A rule-document model: unknown keys are typos, refused with their path."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class _SafeLoader(yaml.SafeLoader):
    """A SafeLoader that keeps dates as text so that pydantic reads them one way only."""


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def load_yaml(text: str, source: str) -> Any:
    """The YAML text as plain data; a syntax error names the file and the line."""
    try:
        return yaml.load(text, Loader=_SafeLoader)  # a SafeLoader: safe
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"ligne {mark.line + 1}" if mark is not None else "(fichier)"
        reason = getattr(exc, "problem", None) or str(exc)
        raise RuleError(source, where, f"YAML illisible ({reason})") from None


def validate(model: type[Model], raw: Any, source: str) -> Model:
    """``raw`` checked against ``model``; the first problem raised as a RuleError, all listed."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = [_problem(error) for error in exc.errors()]
        first = problems[0]
        error = RuleError(source, first.field or "(racine du document)", first.message)
        error.problems = problems
        raise error from None


def _problem(error: ErrorDetails) -> Problem:
    kind = error["type"]
    context: Mapping[str, Any] = error.get("ctx") or {}
    if kind == "value_error":
        message = str(context.get("error", error["msg"]))
    elif kind in ("enum", "literal_error"):
        expected = str(context.get("expected", "")).replace(" or ", " ou ")
        message = f"valeur inconnue « {error['input']} » (attendu : {expected})"
    else:
        message = _MESSAGES.get(kind, f"valeur refusée ({error['msg']})")
    return Problem(message, key_path(error["loc"]))


def key_path(loc: Sequence[int | str]) -> str:
    """``("colleges", 2, "weight")`` → ``colleges[2].weight``."""
    path = ""
    for part in loc:
        if part == "[key]" or (isinstance(part, str) and part.startswith("function-")):
            continue
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(racine du document)"


def parse_share(raw: object, where: str, source: str, *, signed: bool = False) -> Fraction:
    """An exact share: « 1/4 », « 2/3 », « 15 % », « 0,5 % » (« -0,02 % » if ``signed``)."""
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise RuleError(source, where, "écrivez la part entre guillemets : « 1/4 », « 15 % »")
    text = str(raw)
    if isinstance(raw, int) and raw == 0:
        return Fraction(0)
    if match := _SHARE.match(text):
        if int(match["den"]) == 0:
            raise RuleError(source, where, f"dénominateur nul dans « {text} »")
        value = Fraction(int(match["num"]), int(match["den"]))
    elif match := _PERCENT.match(text):
        try:
            value = Fraction(parse_number(match["number"], field=where)) / 100
        except InvalidInput as bad:
            raise RuleError(source, where, bad.message) from None
    else:
        raise RuleError(
            source, where, f"part illisible « {text} » (ex. « 1/4 », « 2/3 », « 15 % »)"
        )
    if value < 0 and not signed:
        raise RuleError(source, where, f"une part ne peut pas être négative (« {text} »)")
    if value > 1:
        raise RuleError(source, where, f"une part de plus de 100 % est refusée (« {text} »)")
    return value


def parse_day(raw: object, where: str, source: str) -> date:
    """A date written AAAA-MM-JJ."""
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise RuleError(source, where, f"date illisible « {raw} » (format AAAA-MM-JJ)") from None


def parse_euros(raw: object, where: str, source: str) -> Decimal:
    """A non-negative euro amount written as text (« 18 500,00 ») or a whole number."""
    return parse_money(raw, where, source)
