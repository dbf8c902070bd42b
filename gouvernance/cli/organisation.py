"""``gouvernance organisation show | set``: who the books are kept for.

A real association registers itself here (the demo is never a prerequisite): name, legal form,
SIREN or RNA, address, fiscal year, time zone, bank details, and the people who sign letters
and minutes. An option left out changes nothing; an empty text (``--email ""``) erases.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from gouvernance.cli.shell import DatabaseOption, FrenchErrorsTyper, cli_actor, console, opened

app = FrenchErrorsTyper(no_args_is_help=True)


def _text(metavar: str, help: str) -> object:
    return typer.Option(metavar=metavar, help=help, show_default=False)


Text = str | None


@app.command("show")
def show(database: DatabaseOption = None) -> None:
    """Afficher l'organisation enregistrée (coordonnées bancaires comprises)."""
    from gouvernance.services.organisation import setup

    with opened(database) as application:
        cli_actor()
        organisation = setup.get_organisation(application.uows)
    if organisation is None:
        console.print(setup.NO_ORGANISATION, soft_wrap=True, highlight=False)
        raise typer.Exit(code=1)
    table = Table(title="Organisation", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    for label, value in setup.describe(organisation):
        table.add_row(escape(label), escape(value))
    console.print(table)


@app.command("set")
def set_organisation(
    name: Annotated[Text, _text("NOM", "Nom, tel qu'il s'imprime sur les lettres.")] = None,
    legal_form: Annotated[
        Text,
        _text("FORME", "association, scic_sa, scic_sas ou scic_sarl (« SCIC SAS » compris)."),
    ] = None,
    siren: Annotated[Text, _text("SIREN", "Numéro SIREN (9 chiffres).")] = None,
    rna: Annotated[
        Text, _text("RNA", "Numéro RNA d'une association sans SIREN (W suivi de 9 chiffres).")
    ] = None,
    address: Annotated[Text, _text("ADRESSE", "Numéro et rue.")] = None,
    postal_code: Annotated[Text, _text("CODE", "Code postal.")] = None,
    city: Annotated[Text, _text("VILLE", "Commune.")] = None,
    email: Annotated[Text, _text("COURRIEL", "Adresse électronique de l'organisation.")] = None,
    iban: Annotated[Text, _text("IBAN", "Compte où les membres paient.")] = None,
    bic: Annotated[Text, _text("BIC", "BIC de la banque (déduit de l'IBAN s'il est omis).")] = None,
    ics: Annotated[Text, _text("ICS", "Identifiant créancier SEPA, pour les prélèvements.")] = None,
    fiscal_year_start: Annotated[
        Text, _text("JJ/MM", "Premier jour de l'exercice (défaut : 01/01).")
    ] = None,
    time_zone: Annotated[
        Text, _text("FUSEAU", "Fuseau horaire des heures imprimées (défaut : Europe/Paris).")
    ] = None,
    president: Annotated[Text, _text("NOM", "Nom de la présidente ou du président.")] = None,
    president_title: Annotated[
        Text, _text("TITRE", "Titre imprimé sous sa signature (« Présidente »).")
    ] = None,
    treasurer: Annotated[Text, _text("NOM", "Nom de la trésorière ou du trésorier.")] = None,
    treasurer_title: Annotated[
        Text, _text("TITRE", "Titre imprimé sous sa signature (« Trésorier bénévole »).")
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """Déclarer ou modifier l'organisation (administrateur) ; chaque changement est journalisé."""
    from gouvernance.services.organisation import setup

    changes = setup.organisation_changes(
        {
            "name": name,
            "legal_form": legal_form,
            "siren": siren,
            "rna": rna,
            "address": address,
            "postal_code": postal_code,
            "city": city,
            "email": email,
            "iban": iban,
            "bic": bic,
            "sepa_creditor_id": ics,
            "fiscal_year_start": fiscal_year_start,
            "time_zone": time_zone,
            "president_name": president,
            "president_title": president_title,
            "treasurer_name": treasurer,
            "treasurer_title": treasurer_title,
        }
    )
    with opened(database) as application:
        setup.set_organisation(application.uows, cli_actor(), changes)
        organisation = setup.get_organisation(application.uows)
    if organisation is not None:
        console.print(f"Organisation enregistrée : [bold]{escape(organisation.name)}[/].")
