"""Compliance of a statutes document with the law in force on a day: findings with articles.

``check`` returns every finding, errors first, then warnings, each group sorted by key path;
lawful statutes give no error. Every article is the law book's reference of the parameter
behind the rule, so a renumbered article is a change in ``rules/law/``, not here. ``capital``
is the picture to test the public bodies' cap against (projected from minimum subscriptions in
the transition report, or the register). ``employees`` is a fact about the organisation, not
the statutes: whether it has employees (``None``: not said, the check warns instead of
concluding), since producers stand for employees only « en l'absence de personnes salariées ».
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from gouvernance.domain.errors import InvalidInput
from gouvernance.domain.members import ScicKind
from gouvernance.domain.money import format_amount
from gouvernance.domain.scic.decisions import AssemblyPresets, DecisionRule, LegalForm
from gouvernance.domain.scic.law import AVERAGE_CAP_SINCE, LawBook, LawValue, format_share
from gouvernance.domain.scic.statutes import College, Statutes, Weighting
from gouvernance.domain.wording import counted

NOT_A_SCIC_ARTICLE = "loi n° 47-1775, titre II ter (sociétés coopératives d'intérêt collectif)"
NOT_COMPUTED_INTEREST_ARTICLE = (
    "loi n° 47-1775, art. 14 (rédaction antérieure à la loi n° 2016-1691)"
)
_STATUTES_KEYS = (
    "categories_min",
    "producers_replace_employees",
    "colleges_min",
    "college_weight_min",
    "college_weight_max",
    "public_bodies_capital_max",
    "paid_at_subscription_min",
    "paying_delay_max",
    "legal_reserve_rate",
    "statutory_reserve_min",
    "ristourne_max",
    "share_values_max",
    "interest_margin",
)


class Severity(StrEnum):
    ERROR = "error"  # unlawful: the statutes cannot be adopted as written
    WARNING = "warning"  # lawful but risky, or to check with the text

    @property
    def label(self) -> str:
        return "erreur" if self is Severity.ERROR else "avertissement"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str  # stable identifier, e.g. "college_weight_below_min"
    message: str  # French, names the figures: « le collège des usagers pèse 8 %, moins que 10 % »
    article: str  # the law book's reference, e.g. « loi n° 47-1775, art. 19 octies »
    path: str  # key path in the statutes document, e.g. « colleges[1].weight »


@dataclass(frozen=True)
class CapitalPicture:
    """Capital as subscribed (or planned): the total and the public bodies' part."""

    total: Decimal
    public_bodies: Decimal
    label: str = ""  # « capital projeté aux souscriptions minimales », « registre au 31/12/2027 »


@dataclass(frozen=True)
class ComplianceReport:
    """What the board reads: the statutes, the day, the findings and the law values applied."""

    statutes_id: str
    label: str
    legal_form: LegalForm
    on: date
    findings: tuple[Finding, ...]
    law_values: tuple[LawValue, ...]

    @property
    def lawful(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


def check(
    statutes: Statutes,
    law: LawBook,
    presets: AssemblyPresets,
    on: date,
    capital: CapitalPicture | None = None,
    employees: bool | None = None,
) -> list[Finding]:
    """Every finding on ``statutes`` under the law in force on ``on``, errors first."""
    if statutes.legal_form is LegalForm.SCIC_SAS and not law.count("scic_sas_allowed", on):
        since = next((v.since for v in _values(law, "scic_sas_allowed") if v.count), None)
        after = f" : seulement depuis le {since:%d/%m/%Y}" if since else ""
        return [
            Finding(
                Severity.ERROR,
                "scic_sas_not_yet_allowed",
                f"au {on:%d/%m/%Y}, une SCIC ne peut pas être une société par actions "
                f"simplifiée{after} (loi n° 2014-856 du 31 juillet 2014)",
                law.reference("scic_sas_allowed"),
                "legal_form",
            )
        ]
    if not statutes.legal_form.is_scic:
        return [
            Finding(
                Severity.WARNING,
                "not_a_scic",
                f"forme juridique « {statutes.legal_form.label} » : les règles des SCIC ne "
                "s'appliquent pas, aucun contrôle de conformité SCIC n'est fait",
                NOT_A_SCIC_ARTICLE,
                "legal_form",
            )
        ]
    findings = [
        *_categories(statutes, law, on, employees),
        *_colleges(statutes, law, on),
        *_public_bodies(capital, law, on),
        *_capital(statutes, law, on),
        *_surplus(statutes, law, on),
        *_sas_majorities(statutes, law, presets, on),
        *_interest(statutes, law, on),
    ]
    order = {Severity.ERROR: 0, Severity.WARNING: 1}
    return sorted(findings, key=lambda f: (order[f.severity], f.path))


def law_values(statutes: Statutes, law: LawBook, on: date) -> tuple[LawValue, ...]:
    """The legal parameters the check applies to these statutes, as in force on ``on``."""
    if not statutes.legal_form.is_scic:
        return ()
    keys = list(_STATUTES_KEYS)
    if statutes.legal_form is LegalForm.SCIC_SA:
        keys.append("sa_capital_min")
    if statutes.legal_form is LegalForm.SCIC_SAS:
        keys.append("sas_majority_min")
    in_force = {value.key: value for value in law.in_force(on)}
    return tuple(in_force[key] for key in keys if key in in_force)


# --- categories (art. 19 septies) ------------------------------------------------------------


def _values(law: LawBook, key: str) -> list[LawValue]:
    """Every successive value of a parameter, oldest first."""
    parameter = law.parameters[key]
    return [law.value(key, since) for since, _ in parameter.values]


def _categories(
    statutes: Statutes, law: LawBook, on: date, employees: bool | None
) -> Iterator[Finding]:
    article = law.reference("categories_min")
    minimum = law.count("categories_min", on)
    count = len(statutes.categories)
    if count < minimum:
        yield Finding(
            Severity.ERROR,
            "categories_below_min",
            f"les statuts prévoient {counted(count, 'catégorie')} d'associés, moins que le "
            f"minimum de {minimum}",
            article,
            "categories",
        )
    kinds = {c.kind for c in statutes.categories}
    if ScicKind.EMPLOYEE not in kinds:
        substitute = law.count("producers_replace_employees", on)
        if not substitute:
            since = next(
                (v.since for v in _values(law, "producers_replace_employees") if v.count), None
            )
            later = f" que depuis le {since:%d/%m/%Y}" if since else " pas"
            yield Finding(
                Severity.ERROR,
                "missing_employees_category",
                f"aucune catégorie de salariés : au {on:%d/%m/%Y}, une SCIC associe "
                "obligatoirement ses salariés et les bénéficiaires habituels de ses biens ou "
                f"services (les producteurs n'en tiennent lieu{later})",
                law.reference("producers_replace_employees"),
                "categories",
            )
        elif ScicKind.PRODUCER in kinds and employees is None:
            yield Finding(
                Severity.WARNING,
                "missing_employees_category",
                "aucune catégorie de salariés : admis seulement si la SCIC n'a pas de "
                "salariés : les producteurs en tiennent lieu (dites si l'organisation a des "
                "salariés pour conclure)",
                article,
                "categories",
            )
        elif ScicKind.PRODUCER in kinds and employees:
            yield Finding(
                Severity.ERROR,
                "missing_employees_category",
                "aucune catégorie de salariés alors que l'organisation a des salariés : les "
                "producteurs ne tiennent lieu de salariés « qu'en l'absence de personnes "
                "salariées au sein de la société »",
                law.reference("producers_replace_employees"),
                "categories",
            )
        elif ScicKind.PRODUCER not in kinds:
            yield Finding(
                Severity.ERROR,
                "missing_employees_category",
                "aucune catégorie de salariés ni de producteurs : une SCIC associe ses "
                "salariés (ou, si elle n'en a pas, les producteurs de ses biens ou services)",
                article,
                "categories",
            )
    if ScicKind.BENEFICIARY not in kinds:
        yield Finding(
            Severity.ERROR,
            "missing_beneficiaries_category",
            "aucune catégorie de bénéficiaires habituels : une SCIC associe obligatoirement "
            "les personnes qui bénéficient habituellement de ses biens ou services",
            article,
            "categories",
        )


# --- colleges (art. 19 octies) ---------------------------------------------------------------


def _colleges(statutes: Statutes, law: LawBook, on: date) -> Iterator[Finding]:
    colleges = statutes.colleges
    if not colleges:
        return
    minimum = law.count("colleges_min", on)
    if len(colleges) < minimum:
        yield Finding(
            Severity.ERROR,
            "colleges_below_min",
            f"les statuts prévoient {counted(len(colleges), 'collège')}, moins que le minimum "
            f"de {minimum}",
            law.reference("colleges_min"),
            "colleges",
        )
    low = law.share("college_weight_min", on)
    high = law.share("college_weight_max", on)
    for index, college in enumerate(colleges):
        where = f"colleges[{index}].weight"
        name, weight = _college_name(college), format_share(college.weight)
        if college.weight < low:
            yield Finding(
                Severity.ERROR,
                "college_weight_below_min",
                f"{name} pèse {weight}, moins que le minimum de {format_share(low)}",
                law.reference("college_weight_min"),
                where,
            )
        elif college.weight > high:
            yield Finding(
                Severity.ERROR,
                "college_weight_above_max",
                f"{name} pèse {weight}, plus que le maximum de {format_share(high)}",
                law.reference("college_weight_max"),
                where,
            )
    total = sum((c.weight for c in colleges), Fraction(0))
    if total != 1:
        yield Finding(
            Severity.ERROR,
            "college_weights_not_100",
            f"les poids des collèges totalisent {format_share(total)} "
            f"({statutes.weights_text()}), et non {format_share(Fraction(1))}",
            law.reference("colleges_min"),
            "colleges",
        )
    if statutes.weighting is Weighting.CAPITAL:
        yield Finding(
            Severity.ERROR,
            "capital_weighting",
            "les collèges sont pondérés selon le capital détenu : en SCIC, le capital n'est "
            "jamais un critère de pondération des votes",
            law.reference("colleges_min"),
            "college_rules.weighting",
        )


def _college_name(college: College) -> str:
    """« le collège des usagers » from the label « Collège des usagers »."""
    label = college.label.strip()
    if label.lower().startswith("collège"):
        return "le " + label[0].lower() + label[1:]
    return f"le collège « {label} »"


# --- capital ---------------------------------------------------------------------------------


def _public_bodies(capital: CapitalPicture | None, law: LawBook, on: date) -> Iterator[Finding]:
    if capital is None or capital.total <= 0:
        return
    share = Fraction(capital.public_bodies) / Fraction(capital.total)
    cap = law.share("public_bodies_capital_max", on)
    if share > cap:
        prefix = f"{capital.label} : " if capital.label else ""
        yield Finding(
            Severity.ERROR,
            "public_bodies_capital_above_max",
            f"{prefix}les collectivités territoriales détiennent "
            f"{format_amount(capital.public_bodies)} sur {format_amount(capital.total)} de "
            f"capital, soit {format_share(share)}, plus que le maximum de {format_share(cap)}",
            law.reference("public_bodies_capital_max"),
            "capital",
        )


def _capital(statutes: Statutes, law: LawBook, on: date) -> Iterator[Finding]:
    rules = statutes.capital_rules()
    if statutes.legal_form is LegalForm.SCIC_SA:
        minimum = law.euros("sa_capital_min", on)
        if rules.minimum is None or rules.minimum < minimum:
            written = (
                "ne fixent pas de capital minimal"
                if rules.minimum is None
                else f"fixent un capital minimal de {format_amount(rules.minimum)}"
            )
            yield Finding(
                Severity.ERROR,
                "sa_capital_below_min",
                f"les statuts d'une SCIC SA {written} : il doit être d'au moins "
                f"{format_amount(minimum)}",
                law.reference("sa_capital_min"),
                "capital.minimum",
            )
    paid_min = law.share("paid_at_subscription_min", on)
    if rules.paid_at_subscription < paid_min:
        yield Finding(
            Severity.ERROR,
            "paid_at_subscription_below_min",
            f"part de la souscription libérée à la souscription : "
            f"{format_share(rules.paid_at_subscription)}, moins que le minimum de "
            f"{format_share(paid_min)}",
            law.reference("paid_at_subscription_min"),
            "capital.paid_at_subscription",
        )
    delay_max = law.count("paying_delay_max", on)
    if rules.paying_delay_years > delay_max:
        yield Finding(
            Severity.ERROR,
            "paying_delay_above_max",
            f"solde des parts libérable en {rules.paying_delay_years} ans, plus que le maximum "
            f"de {delay_max} ans",
            law.reference("paying_delay_max"),
            "capital.paying_delay_years",
        )
    yield from _share_values(statutes, law, on)


def _share_values(statutes: Statutes, law: LawBook, on: date) -> Iterator[Finding]:
    values = statutes.share_values()
    allowed = law.count("share_values_max", on)
    if len(values) <= allowed:
        return
    listed = ", ".join(format_amount(v) for v in sorted(values))
    first = next(
        index
        for index, category in enumerate(statutes.categories)
        if category.share_value is not None
        and category.share_value != statutes.capital_rules().share_value
    )
    yield Finding(
        Severity.ERROR,
        "several_share_values",
        f"les statuts fixent {len(values)} valeurs nominales de part ({listed}) : toutes les "
        "parts d'une SCIC ont la même valeur nominale",
        law.reference("share_values_max"),
        f"categories[{first}].share_value",
    )


# --- surplus (art. 16, 19 nonies, 14) --------------------------------------------------------


def _surplus(statutes: Statutes, law: LawBook, on: date) -> Iterator[Finding]:
    surplus = statutes.surplus
    legal = law.share("legal_reserve_rate", on)
    if surplus.legal_reserve < legal:
        yield Finding(
            Severity.ERROR,
            "legal_reserve_below_min",
            f"dotation à la réserve légale de {format_share(surplus.legal_reserve)} des "
            f"excédents, moins que le minimum de {format_share(legal)}",
            law.reference("legal_reserve_rate"),
            "surplus.legal_reserve",
        )
    statutory = law.share("statutory_reserve_min", on)
    if surplus.statutory_reserve < statutory:
        yield Finding(
            Severity.ERROR,
            "statutory_reserve_below_min",
            f"dotation à la réserve statutaire de {format_share(surplus.statutory_reserve)} de "
            f"ce qui reste après la réserve légale, moins que le minimum de "
            f"{format_share(statutory)}",
            law.reference("statutory_reserve_min"),
            "surplus.statutory_reserve",
        )
    ristourne = law.share("ristourne_max", on)
    if surplus.ristourne > ristourne:
        yield Finding(
            Severity.ERROR,
            "ristourne_planned",
            f"les statuts prévoient une ristourne de {format_share(surplus.ristourne)} des "
            "excédents : une SCIC ne verse pas de ristourne",
            law.reference("ristourne_max"),
            "surplus.ristourne",
        )


def _interest(statutes: Statutes, law: LawBook, on: date) -> Iterator[Finding]:
    rate = statutes.surplus.interest_rate
    if rate is None:
        return
    if on < AVERAGE_CAP_SINCE:
        yield Finding(
            Severity.WARNING,
            "interest_cap_not_computed",
            f"intérêt aux parts de {format_share(rate)} : avant le "
            f"{AVERAGE_CAP_SINCE:%d/%m/%Y}, le plafond n'était pas la moyenne du TMO sur trois "
            "ans ; il n'est pas calculé, comparez-le au texte alors en vigueur",
            NOT_COMPUTED_INTEREST_ARTICLE,
            "surplus.interest_rate",
        )
        return
    try:
        cap = law.interest_cap(on.year, on)
    except InvalidInput:  # the TMO table does not reach that year: nothing to compare with
        return
    if rate > cap.rate:
        yield Finding(
            Severity.WARNING,
            "interest_rate_above_cap",
            f"intérêt aux parts de {format_share(rate)}, plus que le plafond de "
            f"{format_share(cap.rate)} pour une assemblée tenue en {on.year} : l'assemblée de "
            "cette année ne pourrait pas le servir",
            cap.reference,
            "surplus.interest_rate",
        )


# --- SAS majorities (C. com. L227-9, Cass. ass. plén., 15 novembre 2024, n° 23-16.670) --------


def _sas_majorities(
    statutes: Statutes, law: LawBook, presets: AssemblyPresets, on: date
) -> Iterator[Finding]:
    if statutes.legal_form is not LegalForm.SCIC_SAS:
        return
    floor = law.share("sas_majority_min", on)
    for kind, rule in sorted(statutes.decision_kinds(on, presets).items()):
        weak = _first_weak_convocation(rule, floor)
        if weak is None:
            continue
        number, text = weak
        yield Finding(
            Severity.ERROR,
            "sas_majority_below_votes_cast",
            f"{rule.label}, convocation n° {number} : {text} ; une décision de SAS exige au "
            f"moins la majorité des voix exprimées (plus de {format_share(floor)})",
            law.reference("sas_majority_min"),
            _decision_path(statutes, kind),
        )


def _first_weak_convocation(rule: DecisionRule, floor: Fraction) -> tuple[int, str] | None:
    for number, convocation in enumerate(rule.convocations, start=1):
        weak = convocation.majority < floor or (
            convocation.majority == floor and not convocation.strict
        )
        if weak:
            word = "de plus de" if convocation.strict else "d'au moins"
            return number, f"majorité {word} {format_share(convocation.majority)}"
    return None


def _decision_path(statutes: Statutes, kind: str) -> str:
    if kind not in statutes.decisions:
        return "assemblies.preset"
    if kind in ("ordinary", "extraordinary"):
        return f"assemblies.{kind}"
    return f"assemblies.custom.{kind}"
