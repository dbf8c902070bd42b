"""Bodies of ``/organisation``: the organisation as one reads it, and a change to it (only the
fields sent change; ``null`` or « » erases an optional one)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from api.schemas import Strict
from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.organisation import OrganisationChanges, parse_legal_form
from gouvernance.services.organisation.setup import OrganisationView

Text = str | None


class OrganisationIn(Strict):
    """A change: the fields absent keep their value. The first declaration gives at least the
    name, the legal form and the SIREN (or, for an association, the RNA number)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "PTCE Alpilles Réemploi",
                    "legal_form": "association",
                    "rna": "W133001234",
                    "address": "4 chemin des Aires",
                    "postal_code": "13990",
                    "city": "Vallon-les-Alpilles",
                    "iban": "FR76 3000 6000 0112 3456 7890 189",
                    "president_name": "Mireille Aubanel",
                    "president_title": "Présidente",
                    "treasurer_name": "Joseph Castagne",
                    "treasurer_title": "Trésorier bénévole",
                },
                {"bic": "AGRIFRPP"},
            ]
        },
    )

    name: Text = Field(None, max_length=200, description="nom de l'organisation")
    legal_form: Text = Field(
        None, max_length=40, description="association, scic_sa, scic_sas ou scic_sarl"
    )
    siren: Text = Field(None, max_length=20, description="9 chiffres ; obligatoire pour une SCIC")
    rna: Text = Field(
        None, max_length=20, description="W suivi de 9 chiffres ; une association sans SIREN"
    )
    address: Text = Field(None, max_length=300)
    postal_code: Text = Field(None, max_length=10)
    city: Text = Field(None, max_length=100)
    email: Text = Field(None, max_length=200)
    iban: Text = Field(None, max_length=50, description="où les membres paient par virement")
    bic: Text = Field(
        None,
        max_length=20,
        description="déduit de l'IBAN s'il est absent ; un BIC inconnu est refusé",
    )
    sepa_creditor_id: Text = Field(
        None, max_length=50, description="identifiant créancier SEPA (ICS), ex. FR72ZZZ123456"
    )
    fiscal_year_start_day: StrictInt | None = Field(None, description="jour de début d'exercice")
    fiscal_year_start_month: StrictInt | None = Field(
        None, description="mois de début d'exercice (1 à 12)"
    )
    time_zone: Text = Field(None, max_length=64, description="nom IANA, ex. Europe/Paris")
    president_name: Text = Field(None, max_length=200)
    president_title: Text = Field(None, max_length=100, description="ex. Présidente")
    treasurer_name: Text = Field(None, max_length=200)
    treasurer_title: Text = Field(None, max_length=100, description="ex. Trésorier bénévole")

    def changes(self) -> OrganisationChanges:
        """Only the fields the body holds (``null`` included: it erases)."""
        return OrganisationChanges.of({name: getattr(self, name) for name in self.model_fields_set})


class OrganisationOut(BaseModel):
    name: str
    legal_form: str
    legal_form_label: str = Field(description="ex. association loi 1901, SCIC SAS")
    siren: str | None
    rna: str | None
    address: str | None
    postal_code: str | None
    city: str | None
    email: str | None
    fiscal_year_start_day: int
    fiscal_year_start_month: int
    fiscal_year_start: str = Field(description="ex. 1er janvier")
    time_zone: str
    president_name: str | None
    president_title: str | None
    treasurer_name: str | None
    treasurer_title: str | None
    statutes_id: str | None
    bank_visible: bool = Field(
        description="faux : le rôle connecté ne lit pas les coordonnées bancaires (null)"
    )
    iban: str | None
    bic: str | None
    sepa_creditor_id: str | None

    @classmethod
    def of(cls, view: OrganisationView) -> OrganisationOut:
        o = view.organisation
        try:
            label = parse_legal_form(o.legal_form).label
        except InvalidInput:
            label = o.legal_form
        return cls(
            name=o.name,
            legal_form=o.legal_form,
            legal_form_label=label,
            siren=o.siren,
            rna=o.rna,
            address=o.address,
            postal_code=o.postal_code,
            city=o.city,
            email=o.email,
            fiscal_year_start_day=o.fiscal_year_start_day,
            fiscal_year_start_month=o.fiscal_year_start_month,
            fiscal_year_start=o.fiscal_year_start,
            time_zone=o.time_zone,
            president_name=o.president_name,
            president_title=o.president_title,
            treasurer_name=o.treasurer_name,
            treasurer_title=o.treasurer_title,
            statutes_id=o.statutes_id,
            bank_visible=view.bank_visible,
            iban=o.iban,
            bic=o.bic,
            sepa_creditor_id=o.sepa_creditor_id,
        )
