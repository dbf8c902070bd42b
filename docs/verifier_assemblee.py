#!/usr/bin/env python3
"""Vérifier une assemblée générale sans faire confiance à Gouvernance.

    python3 verifier_assemblee.py verification-AG-2026-01.json
    python3 verifier_assemblee.py verification-AG-2026-01.json --recu 3F2A-91C0-77DE-0B45

Le fichier de vérification, publié à la clôture de l'assemblée, contient les règles figées avec
elle, la participation par collège, les voix de chaque résolution par collège et par choix, et
les résultats tels que le procès-verbal les donne. Ce script, qui n'utilise que la bibliothèque
standard de Python (3.11 ou plus), refait le calcul avec ses propres règles écrites ci-dessous
(quorum, pouvoirs en blanc, collèges non formés ou absents, règles de vote des collèges,
poids, plancher de la loi, majorité), en fractions exactes, et dit si chaque résultat
correspond. Il vérifie aussi que les chiffres se tiennent
(pas plus de voix que de votants, autant de reçus que de bulletins). Avec --recu, il dit si le
reçu d'un votant est parmi les reçus comptés : un reçu dit qui a voté, jamais le choix.

Sortie : « conforme » (code 0) ou « non conforme » et chaque écart (code 1). La commande
« gouvernance assemblies verify » écrit exactement les mêmes lignes. Le format du fichier est
décrit dans docs/assemblees.md, section « Vérifier une assemblée ».
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from fractions import Fraction
from typing import Any

SCHEMA = "gouvernance-verification-assemblee/1"
CHOIX = ("for", "against", "abstain", "blank", "null")
ENSEMBLE = "Ensemble des associés"  # le seul « collège » quand les statuts n'en ont pas
ISSUES = {
    "adopted": "adoptée",
    "rejected": "rejetée",
    "not_deliberated": "non délibérée (quorum non atteint)",
    "undecided": "à trancher par le président selon la clause des statuts",
}
ETATS = {"counted": "compté", "not_formed": "non formé", "absent": "absent", "merged": "fusionné"}
AUTEURS = {"board": "le conseil", "associates": "des associés"}

Doc = dict[str, Any]


class Illisible(ValueError):
    """Un fichier qui n'est pas un fichier de vérification."""


# --- Le calcul ----------------------------------------------------------------------------------


def regle(regles: Doc, genre: str, convocation: int) -> Doc:
    """La règle d'un type de décision à cette convocation (la dernière vaut pour les suivantes).
    Le plancher de la loi (« legal_floor », une SAS : plus de la moitié des voix exprimées)
    écarte une clause plus faible des statuts, réputée non écrite."""
    convocations: list[Doc] = regles["decisions"][genre]["convocations"]
    trouvee = convocations[min(convocation, len(convocations)) - 1]
    plancher = regles.get("legal_floor")
    if plancher is None:
        return trouvee
    loi, majorite = Fraction(plancher["majority"]), Fraction(trouvee["majority"])
    if majorite < loi or (majorite == loi and not trouvee["strict"]):
        return {**trouvee, "majority": plancher["majority"], "strict": True, "base": "votes_cast"}
    return trouvee


def quorum(regles: Doc, genre: str, convocation: int, participation: Doc) -> Doc:
    """Le quorum se compte par tête : participants (présents, à distance, par correspondance,
    représentés, pouvoirs en blanc) sur les associés ayant droit de vote ; atteint à égalité."""
    requis = Fraction(regle(regles, genre, convocation)["quorum"])
    inscrits = sum(c["entitled"] for c in participation.values())
    presents = sum(c["attending"] for c in participation.values())
    atteint = requis == 0 or (inscrits > 0 and Fraction(presents, inscrits) >= requis)
    return {"requis": requis, "inscrits": inscrits, "presents": presents, "atteint": atteint}


def additionner(*voix: Doc) -> Doc:
    return {choix: sum(v.get(choix, 0) for v in voix) for choix in CHOIX}


def colleges(regles: Doc, participation: Doc, resolution: Doc) -> list[Doc]:
    """Chaque collège des statuts avec ses inscrits, ses participants et ses voix ; un pouvoir
    en blanc (si les statuts l'admettent) vote pour une résolution du conseil, contre les
    autres. Sans collèges, un seul : tous les associés."""
    zero = {"entitled": 0, "attending": 0, "blank_proxies": 0}
    liste = regles["colleges"] or [
        {"code": "", "label": ENSEMBLE, "weight": "1", "minimum_size": 1}
    ]
    trouves = []
    for r in liste:
        if regles["colleges"]:
            p = participation.get(r["code"], zero)
            voix = additionner(resolution["counts"].get(r["code"], {}))
        else:
            p = {k: sum(c[k] for c in participation.values()) for k in zero}
            voix = additionner(*resolution["counts"].values())
        blancs = p["blank_proxies"] if regles["blank_proxies"] == "board" else 0
        voix["for" if resolution["proposer"] == "board" else "against"] += blancs
        trouves.append({
            "code": r["code"], "libelle": r["label"], "poids": Fraction(r["weight"]),
            "inscrits": p["entitled"], "presents": p["attending"], "voix": voix,
            "forme": p["entitled"] > 0 and p["entitled"] >= r["minimum_size"],
            "etat": "not_formed", "base": 0, "effectif": Fraction(0),
        })  # fmt: skip
    return trouves


def base(college: Doc, regle_conv: Doc, decision: Doc, voix: Doc) -> int:
    """Le dénominateur : voix exprimées, associés présents ou représentés, ou tous les inscrits ;
    abstentions et blancs/nuls en sont exclus ou comptent contre, selon la règle."""
    abstentions, blancs = voix["abstain"], voix["blank"] + voix["null"]
    if regle_conv["base"] == "all_associates":
        return int(college["inscrits"])
    if regle_conv["base"] == "present_represented":
        return int(
            college["presents"]
            - (abstentions if decision["abstention"] == "excluded" else 0)
            - (blancs if decision["blank"] == "excluded" else 0)
        )
    return int(
        voix["for"] + voix["against"]
        + (abstentions if decision["abstention"] == "against" else 0)
        + (blancs if decision["blank"] == "against" else 0)
    )  # fmt: skip


def recalculer_resolution(
    regles: Doc, convocation: int, participation: Doc, resolution: Doc, quorum_atteint: bool
) -> Doc:
    decision = regles["decisions"][resolution["decision_kind"]]
    regle_conv = regle(regles, resolution["decision_kind"], convocation)
    liste = colleges(regles, participation, resolution)
    vide = regles["empty_college"]  # ce que devient le poids d'un collège non formé ou absent
    cible = next((c for c in liste if c["code"] == vide["into"]), None)
    if vide["policy"] == "merge" and cible is not None and cible["forme"]:
        for c in liste:  # un collège non formé est compté dans le collège désigné
            if c is not cible and not c["forme"]:
                cible["inscrits"] += c["inscrits"]
                cible["presents"] += c["presents"]
                cible["voix"] = additionner(cible["voix"], c["voix"])
                c["etat"] = "merged"
    # Règles de vote des collèges (« college_votes ») : l'abstention compte « pour » dans son
    # collège ; un collège dont la part de « pour » passe le seuil du vote bloqué porte tout son
    # poids pour la résolution, sinon tout contre.
    votes = (regles.get("college_votes") or {}) if regles["colleges"] else {}
    bloc = votes.get("block_vote")
    for c in liste:
        if c["forme"] and c["etat"] != "merged":
            voix = dict(c["voix"])
            if votes.get("abstention_as_consent"):
                voix["for"], voix["abstain"] = voix["for"] + voix["abstain"], 0
            c["base"] = max(0, base(c, regle_conv, decision, voix))
            c["etat"] = "counted" if c["base"] > 0 else "absent"
            c["part"] = Fraction(voix["for"], c["base"]) if c["base"] else Fraction(0)
            if bloc is not None and c["etat"] == "counted":
                seuil = Fraction(bloc["threshold"])
                passe = c["part"] > seuil if bloc["strict"] else c["part"] >= seuil
                c["part"] = Fraction(1 if passe else 0)
    comptes = [c for c in liste if c["etat"] == "counted"]
    indecis = vide["policy"] == "statutes" and len(comptes) < len(liste)
    if comptes and indecis:  # la clause des statuts s'applique : au président d'en décider
        for c in comptes:
            c["effectif"] = c["poids"]
    elif comptes:  # le poids des autres se répartit au prorata (ou va au collège désigné)
        brut = {c["code"]: c["poids"] for c in comptes}
        if vide["policy"] == "merge" and vide["into"] in brut:
            brut[vide["into"]] += sum(c["poids"] for c in liste if c["etat"] != "counted")
        total = sum(brut.values(), Fraction(0))
        for c in comptes:
            c["effectif"] = brut[c["code"]] / total if total else Fraction(1, len(comptes))
    pondere = None
    if not quorum_atteint:
        issue = "not_deliberated"
    elif not comptes:
        issue = "rejected"
    elif indecis:
        issue = "undecided"
    else:
        pondere = sum((c["effectif"] * c["part"] for c in comptes), Fraction(0))
        majorite = Fraction(regle_conv["majority"])
        adoptee = pondere > majorite if regle_conv["strict"] else pondere >= majorite
        issue = "adopted" if adoptee else "rejected"
    return {
        "number": resolution["number"], "title": resolution["title"],
        "decision_kind": resolution["decision_kind"], "proposer": resolution["proposer"],
        "outcome": issue, "weighted": pondere,
        "colleges": [
            {"label": c["libelle"], "counts": c["voix"], "base": c["base"], "state": c["etat"],
             "effective_weight": c["effectif"]}
            for c in liste
        ],
    }  # fmt: skip


def recalculer(doc: Doc) -> tuple[Doc, Doc]:
    """Les quorums (par type de décision) et les résolutions (par numéro), recalculés."""
    regles, ag = doc["rules"], doc["assembly"]
    resolutions = sorted(doc["resolutions"], key=lambda r: r["number"])
    genres = dict.fromkeys([ag["kind"], *(r["decision_kind"] for r in resolutions)])
    quorums = {g: quorum(regles, g, ag["convocation"], doc["turnout"]) for g in genres}
    return quorums, {
        r["number"]: recalculer_resolution(
            regles, ag["convocation"], doc["turnout"], r, quorums[r["decision_kind"]]["atteint"]
        )
        for r in resolutions
    }


# --- Ce que dit le document -----------------------------------------------------------------------


def declare(doc: Doc) -> tuple[Doc, Doc]:
    """Les quorums et les résolutions tels que le procès-verbal les donne."""
    resultats = doc["results"]
    quorums = {
        q["decision_kind"]: {
            "requis": Fraction(q["required"]), "inscrits": q["entitled"],
            "presents": q["attending"], "atteint": q["reached"],
        }
        for q in resultats["quorums"]
    }  # fmt: skip
    resolutions = {}
    for r in resultats["resolutions"]:
        resolutions[r["number"]] = {
            **r,
            "weighted": None if r["weighted"] is None else Fraction(r["weighted"]),
            "colleges": [
                {**c, "effective_weight": Fraction(c["effective_weight"])} for c in r["colleges"]
            ],
        }
    return quorums, resolutions


# --- La comparaison ------------------------------------------------------------------------------


def pluriel(n: int, mot: str) -> str:
    return f"{n} {mot}{'s' if n > 1 else ''}"


def pourcentage(x: Fraction) -> str:
    centiemes = x * 10_000
    arrondi = int((centiemes + Fraction(1, 2)) // 1)
    texte = (
        f"{arrondi // 100} %" if arrondi % 100 == 0 else f"{arrondi // 100},{arrondi % 100:02d} %"
    )
    return texte if centiemes == arrondi else f"≈ {texte}"


def part(x: Fraction) -> str:
    return f"{x} ({pourcentage(x)})"


def voix_texte(v: Doc) -> str:
    return (
        f"{v['for']} pour, {v['against']} contre, {pluriel(v['abstain'], 'abstention')}, "
        f"{pluriel(v['blank'], 'blanc')}, {pluriel(v['null'], 'nul')}"
    )


def quorum_texte(q: Doc) -> str:
    requis = "aucun quorum requis" if q["requis"] == 0 else f"quorum requis {part(q['requis'])}"
    verdict = "atteint" if q["atteint"] else "non atteint"
    return f"{q['presents']} sur {q['inscrits']} ayant droit de vote, {requis} : {verdict}"


def resultat_texte(r: Doc, pondere: bool) -> str:
    morceaux = []
    for c in r["colleges"]:
        texte = f"{c['label']} : {voix_texte(c['counts'])}, base {c['base']}"
        if pondere:
            texte += f", poids retenu {part(c['effective_weight'])}"
        morceaux.append(f"{texte}, {ETATS.get(c['state'], c['state'])}")
    morceaux.append("sans résultat" if r["weighted"] is None else f"résultat {part(r['weighted'])}")
    return f"{ISSUES.get(r['outcome'], r['outcome'])} ({' ; '.join(morceaux)})"


def nom_college(regles: Doc, code: str) -> str:
    for c in regles["colleges"]:
        if c["code"] == code:
            return str(c["label"])
    return ENSEMBLE if not regles["colleges"] else f"collège « {code} »"


def coherence(doc: Doc) -> list[str]:
    """Les chiffres du document se tiennent-ils entre eux ?"""
    regles, ecarts = doc["rules"], []
    connus = {c["code"] for c in regles["colleges"]}
    liste, participation = doc["roll"]["colleges"], doc["turnout"]
    zero = {"entitled": 0, "attending": 0, "blank_proxies": 0, "modes": {}}
    for code in sorted(liste.keys() | participation.keys()):
        nom, p = nom_college(regles, code), participation.get(code, zero)
        inscrits = liste.get(code, {"entitled": 0})["entitled"]
        modes = sum(p["modes"].values())
        blancs = p["modes"].get("blank_proxy", 0)
        if connus and code not in connus:
            ecarts.append(f"{nom} : inconnu des règles de l'assemblée")
        if inscrits != p["entitled"]:
            ecarts.append(
                f"{nom} : {inscrits} ayant droit de vote sur la liste, {p['entitled']} dans la "
                "participation"
            )
        if p["attending"] > p["entitled"]:
            ecarts.append(
                f"{nom} : {p['attending']} participants, plus que les {p['entitled']} ayant "
                "droit de vote"
            )
        if modes != p["attending"]:
            ecarts.append(
                f"{nom} : les modes de participation totalisent {modes}, la participation "
                f"{p['attending']}"
            )
        if blancs != p["blank_proxies"]:
            ecarts.append(
                f"{nom} : {blancs} pouvoirs en blanc parmi les modes, {p['blank_proxies']} dans "
                "la participation"
            )
    for r in sorted(doc["resolutions"], key=lambda r: r["number"]):
        ici = f"résolution n° {r['number']}"
        for code, voix in sorted(r["counts"].items()):
            p = participation.get(code, zero)
            votants, total = p["attending"] - p["blank_proxies"], sum(voix.values())
            if total > votants:
                ecarts.append(
                    f"{ici}, {nom_college(regles, code)} : {total} voix comptées, plus que les "
                    f"{votants} associés qui votent (présents, à distance, par correspondance "
                    "ou représentés)"
                )
        bulletins = sum(sum(v.values()) for v in r["counts"].values())
        recus = len(r["receipts"])
        if r["method"] == "show_of_hands":
            if recus:
                ecarts.append(f"{ici} : vote à main levée, mais {pluriel(recus, 'reçu')}")
        elif recus != bulletins:
            ecarts.append(f"{ici} : reçus publiés : {recus}, bulletins comptés : {bulletins}")
        for recu, fois in sorted(Counter(r["receipts"]).items()):
            if fois > 1:
                ecarts.append(f"{ici} : le reçu {recu} figure {fois} fois")
    return ecarts


def comparer(doc: Doc) -> list[str]:
    """Le recalcul face au procès-verbal : quorums, puis chaque résolution."""
    regles, ecarts = doc["rules"], []
    (q_dit, r_dit), (q_refait, r_refait) = declare(doc), recalculer(doc)
    for genre in dict.fromkeys([*q_dit, *q_refait]):
        decision = regles["decisions"].get(genre)
        ici = f"quorum « {decision['label'] if decision else genre} »"
        if genre not in q_refait:
            ecarts.append(f"{ici} : au procès-verbal, absent du recalcul")
        elif genre not in q_dit:
            ecarts.append(f"{ici} : recalculé, absent du procès-verbal")
        elif (avant := quorum_texte(q_dit[genre])) != (apres := quorum_texte(q_refait[genre])):
            ecarts.append(f"{ici} : le document dit {avant}, le recalcul donne {apres}")
    pondere = bool(regles["colleges"])
    for n in sorted(r_dit.keys() | r_refait.keys()):
        ici = f"résolution n° {n}"
        if n not in r_refait:
            ecarts.append(f"{ici} : au procès-verbal, absente des décomptes du document")
            continue
        if n not in r_dit:
            ecarts.append(f"{ici} : dans les décomptes du document, absente du procès-verbal")
            continue
        dit, refait = r_dit[n], r_refait[n]
        if dit["title"] != refait["title"]:
            ecarts.append(
                f"{ici} : intitulé « {refait['title']} » dans les décomptes, « {dit['title']} » "
                "au procès-verbal"
            )
        if dit["decision_kind"] != refait["decision_kind"]:
            ecarts.append(
                f"{ici} : type de décision « {refait['decision_kind']} » dans les décomptes, "
                f"« {dit['decision_kind']} » au procès-verbal"
            )
        if dit["proposer"] != refait["proposer"]:
            ecarts.append(
                f"{ici} : proposée par {AUTEURS[refait['proposer']]} dans les décomptes, par "
                f"{AUTEURS[dit['proposer']]} au procès-verbal"
            )
        avant, apres = resultat_texte(dit, pondere), resultat_texte(refait, pondere)
        if avant != apres:
            ecarts.append(f"{ici} : le document dit {avant}, le recalcul donne {apres}")
    return ecarts


# --- Le verdict ------------------------------------------------------------------------------


def verifier(contenu: bytes) -> tuple[list[str], Doc]:
    """Les lignes du verdict, et le document lu."""
    doc = json.loads(contenu.decode("utf-8"))
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise Illisible(f"ce n'est pas un fichier de vérification d'assemblée ({SCHEMA})")
    ecarts = coherence(doc) + comparer(doc)
    n = len(doc["results"]["resolutions"])
    if ecarts:
        verdict = f"non conforme : {pluriel(len(ecarts), 'écart')} entre le document et le recalcul"
    elif n == 0:
        verdict = "conforme : le quorum recalculé correspond au procès-verbal (aucune résolution)"
    elif n == 1:
        verdict = "conforme : la résolution recalculée correspond au procès-verbal"
    else:
        verdict = f"conforme : les {n} résolutions recalculées correspondent au procès-verbal"
    ag, liste = doc["assembly"], doc["roll"]
    annee, mois, jour = ag["held_on"].split("-")
    inscrits = sum(c["entitled"] + c["not_entitled"] for c in liste["colleges"].values())
    votants = sum(c["entitled"] for c in liste["colleges"].values())
    return [
        f"Assemblée {ag['code']} : {ag['title']}, tenue le {jour}/{mois}/{annee}",
        f"Fichier : empreinte SHA-256 {hashlib.sha256(contenu).hexdigest()}",
        f"Liste d'émargement : {pluriel(inscrits, 'inscrit')}, dont {votants} ayant droit de "
        f"vote ; empreinte SHA-256 {liste['sha256']}",
        verdict,
        *(f"  - {ecart}" for ecart in ecarts),
    ], doc


def chercher_recu(doc: Doc, texte: str) -> tuple[bool, str]:
    """Le reçu d'un votant est-il parmi les reçus comptés ? (il ne dit jamais le choix)"""
    brut = "".join(c for c in texte.upper() if c.isalnum())
    recu = "-".join(brut[i : i + 4] for i in range(0, len(brut), 4))
    for r in sorted(doc["resolutions"], key=lambda r: r["number"]):
        if recu in r["receipts"]:
            combien = pluriel(len(r["receipts"]), "reçu")
            return (
                True,
                f"reçu {recu} : compté pour la résolution n° {r['number']} (parmi {combien})",
            )
    return False, f"reçu {recu} : absent de ce document"


def main(arguments: list[str]) -> int:
    if len(arguments) not in (1, 3) or (len(arguments) == 3 and arguments[1] != "--recu"):
        print("usage : python3 verifier_assemblee.py FICHIER.json [--recu CODE-DU-RECU]")
        return 2
    try:
        with open(arguments[0], "rb") as fichier:
            lignes, doc = verifier(fichier.read())
    except FileNotFoundError:
        print(f"Erreur : fichier introuvable : « {arguments[0]} »")
        return 1
    except OSError as erreur:
        print(f"Erreur : impossible de lire « {arguments[0]} » ({erreur.strerror})")
        return 1
    except Illisible as erreur:
        print(f"Erreur : document illisible : {erreur}")
        return 1
    except KeyError as erreur:
        print(f"Erreur : document illisible : champ « {erreur.args[0]} » absent")
        return 1
    except (ValueError, TypeError, AttributeError, ArithmeticError, IndexError):
        print(
            "Erreur : document illisible : une valeur y manque, ou n'a pas la forme attendue "
            "(nombre, fraction, date, liste…)"
        )
        return 1
    conforme = lignes[3].startswith("conforme")
    if len(arguments) == 3:
        trouve, ligne = chercher_recu(doc, arguments[2])
        lignes.append(ligne)
        conforme = conforme and trouve
    print("\n".join(lignes))
    return 0 if conforme else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
