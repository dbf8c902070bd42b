"""The organisation itself: who it is, where members pay, who signs. Everyone signed in reads
it (the bank details only for the treasurer, the board and the administrator); the
administrator declares it and changes it, field by field."""

from __future__ import annotations

from fastapi import APIRouter

from api.organisation_schemas import OrganisationIn, OrganisationOut
from api.security import App, CurrentActor
from gouvernance.services.organisation import setup
from gouvernance.services.organisation.setup import OrganisationView

router = APIRouter(tags=["organisation"])


@router.get("/organisation", response_model=OrganisationOut, summary="Lire l'organisation")
def get_organisation(app: App, actor: CurrentActor) -> OrganisationOut:
    """L'organisation dont la base tient les comptes : nom, forme juridique, SIREN ou RNA,
    adresse, début d'exercice, fuseau horaire, présidence et trésorerie. Les coordonnées
    bancaires (IBAN, BIC, ICS) ne sont rendues qu'au trésorier, au conseil d'administration et
    à l'administrateur (`bank_visible`) ; pour les autres rôles elles valent `null`. 404 tant
    qu'aucune organisation n'est déclarée."""
    return OrganisationOut.of(setup.organisation_view(app.uows, actor))


@router.put(
    "/organisation",
    response_model=OrganisationOut,
    summary="Déclarer l'organisation ou la modifier (administrateur)",
)
def put_organisation(app: App, actor: CurrentActor, body: OrganisationIn) -> OrganisationOut:
    """Seuls les champs envoyés changent ; `null` (ou un texte vide) efface un champ facultatif.
    La première déclaration donne au moins le nom, la forme juridique (`association`,
    `scic_sa`, `scic_sas`, `scic_sarl`) et le SIREN — ou, pour une association qui n'en a pas,
    le numéro RNA. Le BIC absent est déduit de l'IBAN quand c'est possible ; un BIC inconnu est
    refusé. Tous les problèmes sont rendus d'un coup (422, champ par champ). Les documents déjà
    émis (lettres d'appel, relances, procès-verbaux clos) gardent ce qu'ils imprimaient."""
    organisation = setup.set_organisation(app.uows, actor, body.changes())
    return OrganisationOut.of(OrganisationView(organisation, bank_visible=True))
