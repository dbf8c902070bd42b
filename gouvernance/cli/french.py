"""Typer's and Click's own texts in French: help titles, « Utilisation », errors, suggestions.

Typer 0.29 carries its own copy of Click whose messages are English, some through gettext
(typer.core), most written inline. No catalog covers them, so this module does it in two
places: the fixed titles are replaced once, and every usage error is translated by the
patterns below just before it is printed. ``tests/cli/test_french_cli.py`` runs each kind of
mistake a person makes and checks that no English reaches the terminal; the Typer version is
pinned in pyproject.toml because these texts are not a public interface.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

USAGE = "Utilisation : "
HELP_OPTION = "Afficher cette aide et quitter."

# Titles and fixed strings of typer.rich_utils, by attribute name.
RICH_TEXTS = {
    "DEPRECATED_STRING": "(obsolète) ",
    "DEFAULT_STRING": "[défaut : {}]",
    "ENVVAR_STRING": "[variable : {}]",
    "REQUIRED_LONG_STRING": "[obligatoire]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commandes",
    "ERRORS_PANEL_TITLE": "Erreur",
    "ABORTED_TEXT": "Abandon.",
    "RICH_HELP": "Aide : [blue]{command_path} {help_option}[/]",
}

# Texts typer.core passes through gettext.
GETTEXT = {
    "(dynamic)": "(calculé)",
    "Aborted!": "Abandon.",
    "default: {default}": "défaut : {default}",
    "required": "obligatoire",
    "env var: {var}": "variable : {var}",
    "Arguments": "Arguments",
    "Options": "Options",
    "Commands": "Commandes",
    "Missing command.": "Commande manquante.",
    "No such command {name!r}.": "Pas de commande « {name} ».",
}


def _quoted(text: str) -> str:
    """'members', 'calls' → « members », « calls »."""
    return re.sub(r"'([^']*)'", r"« \1 »", text)


def _did_you_mean(found: re.Match[str]) -> str:
    hint = _quoted(found["hint"]).replace(", ", " ou ")
    return f"Pas de commande « {found['name']} ». Vouliez-vous dire {hint} ?"


def _invalid_value(found: re.Match[str]) -> str:
    return f"Valeur invalide pour {_quoted(found['param'])} : {translate_value(found['why'])}"


def _no_such_option(found: re.Match[str]) -> str:
    text = f"Option inconnue : {found['option']}."
    if found["hint"]:
        text += f" Vouliez-vous dire {found['hint']} ?"
    if found["choices"]:
        text += f" Options possibles : {found['choices']}."
    return text


Rule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]


def _rule(pattern: str, replacement: str | Callable[[re.Match[str]], str]) -> Rule:
    return re.compile(pattern, re.S), replacement


def _missing_option(found: re.Match[str]) -> str:
    return f"Option manquante : {_quoted(found['p'])}.{found['rest']}"


def _not_one_of(found: re.Match[str]) -> str:
    return f"{_quoted(found['v'])} n'est pas permis (choix : {_quoted(found['c'])})."


def _not_valid(found: re.Match[str]) -> str:
    return f"{_quoted(found['v'])} n'est pas une valeur valide ({found['t']})."


def _format(found: re.Match[str]) -> str:
    return f"{_quoted(found['v'])} n'a pas le format attendu ({_quoted(found['f'])})."


_PATH = r"^(?:File|Directory|Path) '(?P<p>.+)' "

# Whole messages, as Typer formats them, to their French form.
MESSAGES: tuple[Rule, ...] = (
    _rule(r"^Pas de commande « (?P<name>.*) »\. Did you mean (?P<hint>.+)\?$", _did_you_mean),
    _rule(r"^No such command '(?P<name>.*)'\. Did you mean (?P<hint>.+)\?$", _did_you_mean),
    _rule(r"^No such command '(?P<name>.*)'\.?$", r"Pas de commande « \g<name> »."),
    _rule(r"^Missing argument '(?P<p>[^']*)'\.(?P<rest>.*)$",
          r"Argument manquant : « \g<p> ».\g<rest>"),
    _rule(r"^Missing option (?P<p>.+?)\.(?P<rest>.*)$", _missing_option),
    _rule(r"^Missing parameter: (?P<p>.+)$", r"Paramètre manquant : « \g<p> »."),
    _rule(r"^No such option: (?P<option>\S+?)(?: Did you mean (?P<hint>\S+)\?)?"
          r"(?: \(Possible options: (?P<choices>.+)\))?$", _no_such_option),
    _rule(r"^Option '(?P<o>[^']+)' requires an argument\.$",
          r"L'option « \g<o> » attend une valeur."),
    _rule(r"^Option '(?P<o>[^']+)' requires (?P<n>\d+) arguments\.$",
          r"L'option « \g<o> » attend \g<n> valeurs."),
    _rule(r"^Option '(?P<o>[^']+)' does not take a value\.$",
          r"L'option « \g<o> » ne prend pas de valeur."),
    _rule(r"^Argument '(?P<a>[^']+)' takes (?P<n>\d+) values\.$",
          r"L'argument « \g<a> » attend \g<n> valeurs."),
    _rule(r"^Got unexpected extra arguments? \((?P<args>.*)\)$",
          r"Argument(s) en trop : \g<args>."),
    _rule(r"^Invalid value for (?P<param>.+?): (?P<why>.+)$", _invalid_value),
    _rule(r"^Invalid value: (?P<why>.+)$",
          lambda found: f"Valeur invalide : {translate_value(found['why'])}"),
)  # fmt: skip

# The reason inside « Invalid value for X: … ».
VALUES: tuple[Rule, ...] = (
    _rule(r"^'?(?P<v>.*?)'? is not a valid integer\.?$", r"« \g<v> » n'est pas un nombre entier."),
    _rule(r"^Value (?P<v>.+) is not a valid (?P<t>\w+)\.$", _not_valid),
    _rule(r"^(?P<v>.+) is not one of (?P<c>.+)\.$", _not_one_of),
    _rule(r"^(?P<v>.+) does not match the formats (?P<f>.+)\.$", _format),
    _rule(_PATH + r"does not exist\.$", r"« \g<p> » n'existe pas."),
    _rule(_PATH + r"is a directory\.$", r"« \g<p> » est un dossier."),
    _rule(_PATH + r"is a file\.$", r"« \g<p> » est un fichier."),
    _rule(_PATH + r"is not readable\.$", r"« \g<p> » ne peut pas être lu."),
    _rule(_PATH + r"is not writable\.$", r"« \g<p> » ne peut pas être écrit."),
    _rule(r"^Input should be a valid integer.*$", "un nombre entier est attendu."),
    _rule(r"^Input should be a valid boolean.*$", "oui ou non (true/false) est attendu."),
    _rule(r"^(?P<v>.+) is not a valid boolean\.?$",
          r"« \g<v> » : oui ou non (true/false) est attendu."),
)  # fmt: skip


# Value types shown beside an option or argument that has no metavar of its own.
TYPE_NAMES = {
    "<str>": "TEXTE",
    "<int>": "ENTIER",
    "<int range>": "ENTIER",
    "<float>": "NOMBRE",
    "<Path>": "FICHIER",
    "<path>": "FICHIER",
    "<file>": "FICHIER",
    "<bool>": "OUI/NON",
    "<list[str]>": "TEXTE...",
}


# French names for the values a command takes, by parameter name, where none is given.
VALUE_NAMES = {
    "amount": "MONTANT", "batch": "LOT", "college": "COLLÈGE", "fiscal_year": "EXERCICE",
    "level": "NIVEAU", "member": "MEMBRE", "number": "NUMÉRO", "reference": "RÉFÉRENCE",
    "schedule_id": "BARÈME", "shares": "PARTS", "statutes_id": "STATUTS", "title": "INTITULÉ",
    "voter": "VOTANT", "choice": "CHOIX", "year": "ANNÉE", "code": "CODE", "file": "FICHIER",
    "on": "DATE", "due": "DATE", "issued_on": "DATE", "held_on": "DATE", "cutoff": "DATE",
    "signed_on": "DATE", "start": "DATE", "end": "DATE", "collection_date": "DATE",
    "out": "FICHIER", "output": "FICHIER", "export": "FICHIER", "document": "FICHIER",
    "key": "CLÉ", "holder": "MEMBRE", "debtor": "NOM", "mode": "MODE", "method": "MOYEN",
    "reason": "MOTIF", "note": "NOTE", "text": "TEXTE", "kind": "NATURE", "status": "ÉTAT",
    "category": "CATÉGORIE", "search": "TEXTE", "name": "NOM", "role": "RÔLE",
    "statutes": "STATUTS", "previous": "ASSEMBLÉE", "assembly": "ASSEMBLÉE", "rate": "TAUX",
    "paid": "MONTANT", "reserves": "MONTANT", "subsidies": "MONTANT", "loss_per_share": "MONTANT",
    "to": "APPEL[:MONTANT]", "bank_ref": "RÉFÉRENCE", "version": "VERSION", "rum": "RUM",
    "iban": "IBAN", "bic": "BIC", "creditor_id": "ICS", "file_format": "FORMAT",
    "convocation": "NUMÉRO", "for_": "VOIX", "against": "VOIX", "abstain": "VOIX",
    "blank": "VOIX", "null": "VOIX", "explain": "CODE", "reference_id": "BARÈME",
}  # fmt: skip


def name_values(command: Any) -> None:
    """Give every argument and option of ``command`` (and of its sub-commands) a French
    metavar where it has none: « BARÈME » rather than « schedule_id » in usage and errors."""
    for sub in getattr(command, "commands", {}).values():
        name_values(sub)
    for param in command.params:
        if param.metavar is not None or getattr(param, "is_flag", False):
            continue
        french = VALUE_NAMES.get(param.name or "")
        if french is None and param.param_type_name == "argument":
            french = (param.name or "valeur").upper()
        if french is not None:
            param.metavar = french


def _apply(rules: tuple[Rule, ...], text: str) -> str | None:
    for pattern, replacement in rules:
        found = pattern.match(text)
        if found is not None:
            if callable(replacement):
                return replacement(found)
            return found.expand(replacement)
    return None


def translate_value(text: str) -> str:
    """The reason a value was refused, in French (unchanged when no rule knows it)."""
    return _apply(VALUES, text.strip()) or text


def translate(message: str) -> str:
    """A usage error as Typer words it, in French (unchanged when no rule knows it)."""
    return _apply(MESSAGES, message.strip()) or message


def install() -> None:
    """Put the French texts in place; called once when ``gouvernance.cli`` is imported."""
    import typer.core
    from typer import rich_utils
    from typer._click import core as click_core
    from typer._click import formatting

    setattr(typer.core, "_", lambda message: GETTEXT.get(message, message))  # noqa: B010
    for name, text in RICH_TEXTS.items():
        setattr(rich_utils, name, text)
    rich_utils.OptionHighlighter.highlights.append(r"(?P<usage>Utilisation : )")
    _french_usage(formatting)
    _french_help_option(click_core)
    _french_errors(rich_utils)
    _french_types(typer.core)


def _french_usage(formatting: Any) -> None:
    original = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, USAGE if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage


def _french_help_option(click_core: Any) -> None:
    original = click_core.Command.get_help_option

    def get_help_option(self: Any, ctx: Any) -> Any:
        option = original(self, ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    click_core.Command.get_help_option = get_help_option


def _french_errors(rich_utils: Any) -> None:
    original = rich_utils.rich_format_error

    def rich_format_error(error: Any) -> None:
        french = translate(error.format_message())
        error.format_message = lambda: french
        original(error)

    rich_utils.rich_format_error = rich_format_error


def _french_types(core: Any) -> None:
    """« <str> » becomes « TEXTE »; a flag (``--totals``) shows no type at all."""
    for cls in (core._TyperParameter, core.TyperOption):
        original = cls.display_type_rich

        def display_type_rich(self: Any, ctx: Any, _original: Any = original) -> str | None:
            if getattr(self, "is_flag", False):
                return None
            shown = _original(self, ctx)
            return TYPE_NAMES.get(shown, shown) if shown is not None else None

        cls.display_type_rich = display_type_rich
