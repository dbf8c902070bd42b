"""The verification file of a closed assembly: download it, or have it checked.

``GET /assemblies/{code}/publication`` hands out the file published at the close (everyone
signed in, once the assembly is closed; 409 while it is open). ``POST /assemblies/verify``
takes such a file (multipart, field ``file``) and answers what ``gouvernance assemblies
verify`` prints: each result recomputed from the file's own data and compared with the
minutes, in French. Nothing is read from the database for that: the file is checked alone.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Response, UploadFile

from api.routers.treasury import document_response
from api.security import App, CurrentActor
from api.verification_schemas import VerificationOut
from gouvernance.domain.assembly import publication as verification
from gouvernance.domain.errors import InvalidInput
from gouvernance.services.assembly import publication

router = APIRouter(tags=["assemblées"])

Code = Annotated[str, Path(max_length=24, description="code de l'assemblée, ex. AG-2026-01")]
MAX_BYTES = 200_000_000  # 700 000 receipts weigh about 20 Mo


@router.get(
    "/assemblies/{code}/publication",
    response_class=Response,
    summary="Télécharger le fichier de vérification d'une assemblée close (JSON)",
    responses={200: {"content": {"application/json": {}}, "description": "le fichier"}},
)
def get_publication(app: App, actor: CurrentActor, code: Code) -> Response:
    """Les règles figées, la participation, les voix par collège et par choix, les résultats
    du procès-verbal, l'empreinte de la liste d'émargement et les reçus comptés : de quoi
    refaire chaque calcul. Son empreinte SHA-256 est imprimée dans le procès-verbal."""
    return document_response(publication.publication(app.uows, actor, code))


@router.post(
    "/assemblies/verify",
    response_model=VerificationOut,
    summary="Contrôler un fichier de vérification : chaque résultat recalculé",
)
def verify(
    actor: CurrentActor,
    file: Annotated[UploadFile, File(description="fichier de vérification (.json)")],
    receipt: Annotated[
        str | None, Query(max_length=40, description="un reçu de vote à chercher")
    ] = None,
) -> VerificationOut:
    """Le calcul est refait à partir du fichier seul (quorum, pouvoirs en blanc, collèges,
    poids, majorité), en fractions exactes, puis comparé aux résultats du procès-verbal qu'il
    contient ; les chiffres doivent aussi se tenir entre eux. Un fichier illisible : 422."""
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput("fichier trop gros pour un fichier de vérification", field="file")
    return VerificationOut.of(verification.check_file(data), receipt)
