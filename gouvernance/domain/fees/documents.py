"""Reading fee schedules from YAML files, with errors that name the file, the key and the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from gouvernance.domain.fees.schedule import FeeSchedule, RuleError, parse_schedule


class _TextDates(yaml.SafeLoader):
    """Safe YAML, but dates stay text: the schedule parser reads them with a located error."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_TextDates)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = f"ligne {mark.line + 1}" if mark is not None else "(document)"
        raise RuleError(
            source,
            line,
            "YAML illisible : vérifiez l'indentation, les deux-points et les guillemets ou "
            f"crochets non refermés près de cette ligne (détail technique : {error.problem})",
        ) from None
    except yaml.YAMLError as error:
        raise RuleError(source, "(document)", f"YAML illisible : {error}") from None


def parse_schedule_text(text: str, source: str) -> FeeSchedule:
    return parse_schedule(read_yaml(text, source), source)


def load_schedule(path: Path) -> FeeSchedule:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(str(path), "(fichier)", f"lecture impossible : {error}") from None
    return parse_schedule_text(text, path.name)


def check_unique_ids(schedules: list[FeeSchedule]) -> list[FeeSchedule]:
    """Two files with one id would make « simulate demo-forfait » ambiguous: refuse it."""
    seen: dict[str, str] = {}
    for schedule in schedules:
        if schedule.id in seen:
            raise RuleError(
                schedule.source,
                "id",
                f"identifiant « {schedule.id} » déjà pris par {seen[schedule.id]}",
            )
        seen[schedule.id] = schedule.source
    return schedules
