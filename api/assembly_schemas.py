"""Bodies of the general assemblies. Shares travel twice: exact (« 3/10 », a ``Fraction`` as
text, never a float) and as a French reads them (« 30 % », « ≈ 77,78 % »)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from fractions import Fraction
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt

from api.schemas import Day, Strict
from gouvernance.domain.assembly import words
from gouvernance.domain.assembly.model import (
    Attendance,
    Choice,
    Method,
    Proposer,
    SignatoryRole,
)
from gouvernance.domain.assembly.tally import (
    CollegeResult,
    Counts,
    QuorumResult,
    ResolutionResult,
)
from gouvernance.domain.scic.law import format_share
from gouvernance.services.assembly.assemblies import (
    AssemblySummary,
    AssemblyView,
    AttendanceView,
    BallotReceipt,
    ResolutionView,
    RollLine,
    SignatureView,
    TallyView,
)


def _french(kind: type[StrEnum]) -> BeforeValidator:
    """The value in English or in French (« pour », « représenté », « main levée »); refused
    with the French words listed otherwise."""

    def read(value: object) -> object:
        found = words.lookup(kind, value) if isinstance(value, str) else None
        if found is None:
            raise ValueError(words.unknown(kind, value))
        return found

    return BeforeValidator(read)


ChoiceText = Annotated[Choice, _french(Choice)]
AttendanceText = Annotated[Attendance, _french(Attendance)]
MethodText = Annotated[Method, _french(Method)]
RoleText = Annotated[SignatoryRole, _french(SignatoryRole)]
# Strict: JSON « true » would otherwise count as one vote, « "3" » as three.
Count = Annotated[StrictInt, Field(ge=0, le=10_000_000)]


def exact(value: Fraction | None) -> str | None:
    """« 3/10 », « 1 », « 0 »: the exact value as text."""
    return None if value is None else str(value)


def share(value: Fraction | None) -> str | None:
    return None if value is None else format_share(value)


# --- requests ---------------------------------------------------------------------------------


class AssemblyIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Assemblée générale ordinaire 2027",
                    "held_on": "2027-06-26",
                    "kind": "ordinary",
                    "convocation": 1,
                }
            ]
        }
    )

    title: str = Field(min_length=1, max_length=200, description="intitulé de l'assemblée")
    held_on: Day = Field(description="date de l'assemblée")
    kind: str = Field(
        "ordinary", min_length=1, max_length=40, description="ordinary ou extraordinary"
    )
    convocation: StrictInt = Field(1, ge=1, le=3, description="1re ou 2e convocation")
    cutoff: Day | None = Field(
        None, description="date d'arrêté de la liste des associés (défaut : date de l'assemblée)"
    )
    statutes: str | None = Field(
        None, min_length=1, max_length=60, description="statuts suivis (défaut : ceux choisis)"
    )
    previous: str | None = Field(
        None, min_length=1, max_length=24, description="code de la 1re convocation, pour une 2e"
    )


class AttendanceIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"member": "MISTRAL", "mode": "present"}]}
    )

    member: str = Field(min_length=1, max_length=20, description="code de l'associé")
    mode: AttendanceText = Field(
        description="present (présent), remote (à distance), postal (par correspondance), "
        "represented (représenté), blank_proxy (pouvoir en blanc)"
    )
    holder: str | None = Field(
        None, min_length=1, max_length=20, description="porteur du pouvoir (mode represented)"
    )


class ResolutionIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Approbation des comptes de l'exercice 2026",
                    "text": "L'assemblée générale, après avoir entendu le rapport de gestion, "
                    "approuve les comptes de l'exercice clos le 31 décembre 2026.",
                    "proposer": "board",
                    "method": "open",
                }
            ]
        }
    )

    title: str = Field(min_length=1, max_length=300, description="intitulé de la résolution")
    text: str = Field("", max_length=10_000, description="texte soumis au vote")
    decision_kind: str | None = Field(
        None, min_length=1, max_length=40, description="type de décision (défaut : celui de l'AG)"
    )
    proposer: Proposer = Field(Proposer.BOARD, description="board (le conseil) ou associates")
    proposed_by: str | None = Field(
        None, min_length=1, max_length=20, description="associé auteur (proposer = associates)"
    )
    method: MethodText = Field(
        Method.OPEN, description="open (nominatif), secret, show_of_hands (main levée)"
    )


class BallotIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"voter": "MISTRAL", "choice": "pour"}]}
    )

    voter: str = Field(min_length=1, max_length=20, description="code de l'associé qui vote")
    choice: ChoiceText = Field(
        description="for, against, abstain, blank, null (ou pour, contre, abstention, blanc, nul)"
    )


class CountsIn(Strict):
    """Show of hands: ballots of each choice in one college, as counted by the scrutineers."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"for": 1, "against": 0, "abstain": 0, "blank": 0, "null": 0}]
        }
    )

    for_: Count = Field(0, alias="for", description="voix pour")
    against: Count = Field(0, description="voix contre")
    abstain: Count = Field(0, description="abstentions")
    blank: Count = Field(0, description="votes blancs")
    null: Count = Field(0, description="votes nuls")

    def counts(self) -> dict[Choice, int]:
        return {
            Choice.FOR: self.for_,
            Choice.AGAINST: self.against,
            Choice.ABSTAIN: self.abstain,
            Choice.BLANK: self.blank,
            Choice.NULL: self.null,
        }


class SignatureIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"role": "president", "name": "Claire Ventoux"}]}
    )

    role: RoleText = Field(
        description="president (président), secretary (secrétaire), scrutineer (scrutateur)"
    )
    name: str = Field(min_length=1, max_length=200, description="nom du signataire")


# --- responses --------------------------------------------------------------------------------


class AssemblySummaryOut(BaseModel):
    code: str = Field(description="ex. AG-2027-01")
    title: str
    kind: str
    kind_label: str = Field(description="ex. « Assemblée générale ordinaire »")
    convocation: int
    held_on: date
    status: str = Field(description="open ou closed")
    status_label: str

    @classmethod
    def of(cls, view: AssemblySummary) -> AssemblySummaryOut:
        return cls(
            code=view.code, title=view.title, kind=view.kind, kind_label=view.kind_label,
            convocation=view.convocation, held_on=view.held_on, status=view.status.value,
            status_label=view.status.label,
        )  # fmt: skip


class CollegeRuleOut(BaseModel):
    code: str
    label: str
    weight: str = Field(description="poids exact, ex. « 3/10 »")
    weight_text: str = Field(description="ex. « 30 % »")
    minimum_size: int


class QuorumOut(BaseModel):
    decision_kind: str
    decision_label: str
    convocation: int
    required: str = Field(description="part exacte requise, ex. « 1/5 » ; « 0 » : sans quorum")
    required_text: str
    entitled: int = Field(description="associés ayant droit de vote")
    attending: int = Field(description="présents, représentés, à distance ou par correspondance")
    reached: bool
    explanation: str

    @classmethod
    def of(cls, result: QuorumResult) -> QuorumOut:
        return cls(
            decision_kind=result.decision_kind, decision_label=result.decision_label,
            convocation=result.convocation, required=str(result.required),
            required_text=format_share(result.required) if result.required else "sans quorum",
            entitled=result.entitled, attending=result.attending, reached=result.reached,
            explanation=result.explanation,
        )  # fmt: skip


class ResolutionOut(BaseModel):
    number: int
    title: str
    text: str
    decision_kind: str
    decision_label: str
    proposer: Proposer
    proposer_label: str
    proposed_by: str | None
    method: Method
    method_label: str
    rule: str = Field(description="quorum et majorité de cette résolution, en français")
    ballots: int = Field(description="bulletins individuels enregistrés")
    counted_colleges: list[str] = Field(description="main levée : collèges dépouillés")
    vote_closed: bool = Field(
        False, description="le président a clos le vote : plus aucun bulletin ni décompte"
    )
    sealed: bool = Field(
        False,
        description="vote secret en cours : bulletins scellés, résultat à la clôture du vote",
    )
    created: bool = Field(True, description="faux : la même requête avait déjà été enregistrée")

    @classmethod
    def of(cls, view: ResolutionView) -> ResolutionOut:
        return cls(
            number=view.number, title=view.title, text=view.text,
            decision_kind=view.decision_kind, decision_label=view.decision_label,
            proposer=view.proposer, proposer_label=view.proposer.label,
            proposed_by=view.proposed_by, method=view.method, method_label=view.method.label,
            rule=view.rule, ballots=view.ballots, counted_colleges=list(view.counted_colleges),
            vote_closed=view.vote_closed, sealed=view.sealed, created=view.created,
        )  # fmt: skip


class SignatureOut(BaseModel):
    role: SignatoryRole
    role_label: str
    name: str
    signed_at: datetime
    signed_by: str

    @classmethod
    def of(cls, view: SignatureView) -> SignatureOut:
        return cls(
            role=view.role, role_label=view.role.label, name=view.name,
            signed_at=view.signed_at, signed_by=view.signed_by,
        )  # fmt: skip


class AttendanceCountOut(BaseModel):
    mode: Attendance
    label: str
    count: int


class AssemblyOut(AssemblySummaryOut):
    cutoff: date = Field(description="date d'arrêté de la liste des associés")
    statutes: str = Field(description="identifiant des statuts dont les règles sont figées")
    statutes_label: str
    statutes_warnings: list[str] = Field(
        default_factory=list,
        description="erreurs de conformité des statuts à la loi au jour de l'assemblée, "
        "figées à la convocation (le procès-verbal les constate)",
    )
    previous: str | None = Field(description="code de l'assemblée précédente (2e convocation)")
    created_at: datetime
    created_by: str
    closed_at: datetime | None
    closed_by: str | None
    colleges: list[CollegeRuleOut] = Field(description="vide : une personne, une voix")
    empty_college: str = Field(description="règle du collège vide ou absent")
    proxy_limit: int = Field(description="pouvoirs qu'un associé peut détenir à cette AG")
    proxy_rule: str
    blank_proxies: str = Field(description="règle des pouvoirs en blanc")
    roll_rule: str = Field(description="qui vote : règle de la liste d'émargement")
    entitled: int
    not_entitled: int
    attendance: list[AttendanceCountOut] = Field(description="émargements par mode")
    quorums: list[QuorumOut]
    resolutions: list[ResolutionOut]
    signatures: list[SignatureOut]
    created: bool = Field(True, description="faux : la même requête avait déjà été enregistrée")

    @classmethod
    def of(cls, view: AssemblyView) -> AssemblyOut:  # type: ignore[override]
        rules = view.rules
        empty = rules.empty_college
        return cls(
            **AssemblySummaryOut.of(view.summary).model_dump(),
            cutoff=view.cutoff, statutes=view.statutes_id, statutes_label=view.statutes_label,
            statutes_warnings=list(rules.unlawful),
            previous=view.previous_code, created_at=view.created_at,
            created_by=view.created_by, closed_at=view.closed_at, closed_by=view.closed_by,
            colleges=[
                CollegeRuleOut(
                    code=c.code, label=c.label, weight=str(c.weight),
                    weight_text=format_share(c.weight), minimum_size=c.minimum_size,
                )
                for c in rules.colleges
            ],
            empty_college=(empty.text or empty.policy.label) if rules.colleges else "",
            proxy_limit=view.proxy_limit, proxy_rule=view.proxy_rule,
            blank_proxies=rules.blank_proxies.label, roll_rule=rules.roll.describe(),
            entitled=view.entitled, not_entitled=view.not_entitled,
            attendance=[
                AttendanceCountOut(mode=mode, label=mode.label, count=view.attendance.get(mode, 0))
                for mode in Attendance
            ],
            quorums=[QuorumOut.of(q) for q in view.quorums],
            resolutions=[ResolutionOut.of(r) for r in view.resolutions],
            signatures=[SignatureOut.of(s) for s in view.signatures],
            created=view.created,
        )  # fmt: skip


class RollLineOut(BaseModel):
    member_code: str
    name: str
    category: str
    college: str
    college_label: str
    entitled: bool
    reason: str = Field(description="pourquoi l'associé ne vote pas, le cas échéant")
    attendance: Attendance | None
    attendance_label: str
    holder_code: str | None = Field(description="porteur de son pouvoir")
    proxies_held: list[str] = Field(description="associés qu'il représente")

    @classmethod
    def of(cls, line: RollLine) -> RollLineOut:
        return cls(
            member_code=line.member_code, name=line.name, category=line.category,
            college=line.college, college_label=line.college_label, entitled=line.entitled,
            reason=line.reason, attendance=line.attendance,
            attendance_label=line.attendance.label if line.attendance else "absent",
            holder_code=line.holder_code, proxies_held=list(line.proxies_held),
        )  # fmt: skip


class AttendanceOut(BaseModel):
    member_code: str
    name: str
    college: str
    mode: Attendance
    mode_label: str
    holder_code: str | None
    proxies_held: int = Field(description="pour le porteur : pouvoirs détenus maintenant")
    proxy_limit: int
    created: bool = Field(description="faux : le même émargement était déjà enregistré")

    @classmethod
    def of(cls, view: AttendanceView) -> AttendanceOut:
        return cls(
            member_code=view.member_code, name=view.name, college=view.college, mode=view.mode,
            mode_label=view.mode.label, holder_code=view.holder_code,
            proxies_held=view.proxies_held, proxy_limit=view.proxy_limit, created=view.created,
        )  # fmt: skip


class ReceiptOut(BaseModel):
    """The receipt of a ballot: who voted, never what (a secret ballot stays secret)."""

    assembly: str
    resolution: int
    voter_code: str
    cast_by: str = Field(description="l'associé, le porteur du pouvoir, ou « » (scrutateur)")
    secret: bool
    recorded_at: datetime
    created: bool = Field(description="faux : la même requête avait déjà été enregistrée")

    @classmethod
    def of(cls, view: BallotReceipt) -> ReceiptOut:
        return cls(
            assembly=view.assembly, resolution=view.resolution, voter_code=view.voter_code,
            cast_by=view.cast_by, secret=view.secret, recorded_at=view.recorded_at,
            created=view.created,
        )  # fmt: skip


class CountsOut(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True)

    for_: int = Field(alias="for")
    against: int
    abstain: int
    blank: int
    null: int
    total: int

    @classmethod
    def of(cls, counts: Counts) -> CountsOut:
        return cls.model_validate(
            {"for": counts.for_, "against": counts.against, "abstain": counts.abstain,
             "blank": counts.blank, "null": counts.null, "total": counts.total}
        )  # fmt: skip


class CollegeResultOut(BaseModel):
    code: str
    label: str
    weight: str = Field(description="poids des statuts, exact")
    weight_text: str
    effective_weight: str = Field(description="poids retenu après la règle du collège vide")
    effective_weight_text: str
    entitled: int
    attending: int
    blank_proxies: int
    counts: CountsOut
    base: int = Field(description="dénominateur selon la base de la règle")
    in_favour: int
    result: str | None = Field(description="résultat exact du collège, ex. « 7/9 »")
    result_text: str | None = Field(description="ex. « ≈ 77,78 % »")
    state: str
    state_label: str
    explanation: str

    @classmethod
    def of(cls, college: CollegeResult) -> CollegeResultOut:
        return cls(
            code=college.code, label=college.label, weight=str(college.weight),
            weight_text=format_share(college.weight),
            effective_weight=str(college.effective_weight),
            effective_weight_text=format_share(college.effective_weight),
            entitled=college.entitled, attending=college.attending,
            blank_proxies=college.blank_proxies, counts=CountsOut.of(college.counts),
            base=college.base, in_favour=college.in_favour, result=exact(college.result),
            result_text=share(college.result), state=college.state.value,
            state_label=college.state.label, explanation=college.explanation,
        )  # fmt: skip


class ResolutionResultOut(BaseModel):
    number: int
    title: str
    decision_kind: str
    decision_label: str
    reference: str
    proposer: Proposer
    rule: str
    threshold: str = Field(description="majorité exacte, ex. « 2/3 »")
    threshold_text: str = Field(description="ex. « au moins 66,67 % » ou « plus de 50 % »")
    strict: bool
    quorum: QuorumOut
    colleges: list[CollegeResultOut]
    headcount: CountsOut = Field(description="tous les bulletins, par tête")
    weighted: str | None = Field(description="résultat pondéré exact, ex. « 53/100 »")
    weighted_text: str | None = Field(description="ex. « 53 % »")
    outcome: str
    outcome_label: str
    explanation: list[str]

    @classmethod
    def of(cls, result: ResolutionResult) -> ResolutionResultOut:
        rule = result.rule
        word = "plus de" if rule.strict else "au moins"
        return cls(
            number=result.number, title=result.title, decision_kind=result.decision_kind,
            decision_label=result.decision_label, reference=result.reference,
            proposer=result.proposer, rule=rule.describe(), threshold=str(rule.majority),
            threshold_text=f"{word} {format_share(rule.majority)}", strict=rule.strict,
            quorum=QuorumOut.of(result.quorum),
            colleges=[CollegeResultOut.of(c) for c in result.colleges],
            headcount=CountsOut.of(result.headcount), weighted=exact(result.weighted),
            weighted_text=share(result.weighted), outcome=result.outcome.value,
            outcome_label=result.outcome.label, explanation=list(result.explanation),
        )  # fmt: skip


class TallyOut(BaseModel):
    assembly: AssemblySummaryOut
    final: bool = Field(description="vrai une fois l'assemblée close : résultats définitifs")
    marker: str = Field(description="change à chaque émargement, bulletin ou décompte")
    quorums: list[QuorumOut]
    resolutions: list[ResolutionResultOut]
    time_zone: str = Field(description="fuseau horaire de l'organisation, ex. Europe/Paris")

    @classmethod
    def of(cls, view: TallyView) -> TallyOut:
        return cls(
            assembly=AssemblySummaryOut.of(view.summary), final=view.final, marker=view.marker,
            time_zone=view.time_zone,
            quorums=[QuorumOut.of(q) for q in view.tally.quorums],
            resolutions=[ResolutionResultOut.of(r) for r in view.tally.resolutions],
        )  # fmt: skip
