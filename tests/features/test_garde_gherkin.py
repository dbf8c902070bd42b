"""Le garde-fou Gherkin : un scénario ne passe jamais pour vert sans avoir rien vérifié.

Trois trous possibles, trois protections, chacune prouvée ici :

1. une étape écrite dans la fonctionnalité mais sans définition Python : pytest-bdd lève
   ``StepDefinitionNotFoundError`` et le test échoue (prouvé dans un projet jetable, ``pytester``) ;
2. un scénario sans aucune étape, avec seulement le Contexte, ou sans étape « Alors » :
   pytest-bdd le laisserait
   passer ; le crochet ``pytest_bdd_before_scenario`` de ``tests/features/conftest.py`` le fait
   échouer (prouvé avec le vrai ``conftest.py`` copié dans le projet jetable, et, pour témoin,
   la preuve que sans lui le scénario vide passerait) ;
3. un fichier ``.feature`` qu'aucun module de test ne lie ne serait jamais exécuté : le test
   ``test_every_feature_file_is_bound_by_a_test_module`` lit les appels ``scenarios(...)`` et
   ``scenario(...)`` de tous les modules de test et exige que chaque fichier soit lié.
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ICI = Path(__file__).parent

ETAPES_DEFINIES = """
from pytest_bdd import given, scenarios, then

scenarios("garde.feature")


@given("un registre")
def un_registre() -> None:
    pass


@then("tout va bien")
def tout_va_bien() -> None:
    pass
"""


def projet_jetable(pytester: pytest.Pytester, fonctionnalite: str, *, garde: bool = True) -> None:
    """Un petit projet : une fonctionnalité, ses étapes, et (si ``garde``) notre conftest."""
    pytester.makeini("[pytest]\nbdd_features_base_dir = features/\n")
    (pytester.path / "features").mkdir()
    (pytester.path / "features" / "garde.feature").write_text(fonctionnalite, encoding="utf-8")
    pytester.makepyfile(test_garde=ETAPES_DEFINIES)
    if garde:
        shutil.copy(ICI / "conftest.py", pytester.path / "conftest.py")
        shutil.copy(ICI / "etapes_fr.py", pytester.path / "etapes_fr.py")


def lancer(pytester: pytest.Pytester) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "pytest_bdd", "-p", "no:cacheprovider")


def test_a_fully_defined_scenario_passes_in_the_throwaway_project(
    pytester: pytest.Pytester,
) -> None:
    projet_jetable(
        pytester,
        "# language: fr\nFonctionnalité: témoin\n\n"
        "  Scénario: tout est défini\n    Étant donné un registre\n    Alors tout va bien\n",
    )
    lancer(pytester).assert_outcomes(passed=1)


def test_a_step_without_definition_makes_the_scenario_fail(pytester: pytest.Pytester) -> None:
    projet_jetable(
        pytester,
        "# language: fr\nFonctionnalité: étape inconnue\n\n"
        "  Scénario: une étape sans définition\n"
        "    Étant donné un registre\n"
        "    Quand je fais quelque chose que personne n'a défini\n"
        "    Alors tout va bien\n",
    )
    resultat = lancer(pytester)
    resultat.assert_outcomes(failed=1, passed=0)
    resultat.stdout.fnmatch_lines(["*StepDefinitionNotFoundError*"])


def test_a_scenario_without_steps_fails(pytester: pytest.Pytester) -> None:
    projet_jetable(
        pytester,
        "# language: fr\nFonctionnalité: scénario vide\n\n  Scénario: rien à vérifier\n",
    )
    resultat = lancer(pytester)
    resultat.assert_outcomes(failed=1, passed=0)
    resultat.stdout.fnmatch_lines(["*ScenarioVide*rien à vérifier*n'a aucune étape*"])


def test_a_scenario_with_only_background_steps_fails(pytester: pytest.Pytester) -> None:
    projet_jetable(
        pytester,
        "# language: fr\nFonctionnalité: contexte seul\n\n"
        "  Contexte:\n    Étant donné un registre\n\n"
        "  Scénario: seulement le contexte\n\n"
        "  Scénario: un vrai scénario\n    Alors tout va bien\n",
    )
    resultat = lancer(pytester)
    resultat.assert_outcomes(failed=1, passed=1)
    resultat.stdout.fnmatch_lines(["*ScenarioVide*seulement le contexte*"])


def test_a_scenario_without_a_then_step_fails(pytester: pytest.Pytester) -> None:
    projet_jetable(
        pytester,
        "# language: fr\nFonctionnalité: rien de vérifié\n\n"
        "  Scénario: des étapes mais aucun « Alors »\n    Étant donné un registre\n",
    )
    resultat = lancer(pytester)
    resultat.assert_outcomes(failed=1, passed=0)
    resultat.stdout.fnmatch_lines(["*ScenarioVide*aucune étape « Alors »*"])


def test_without_the_guard_an_empty_scenario_would_pass(pytester: pytest.Pytester) -> None:
    """Le témoin : c'est bien notre crochet, pas pytest-bdd, qui fait échouer le scénario vide."""
    projet_jetable(
        pytester,
        "# language: fr\nFonctionnalité: scénario vide\n\n  Scénario: rien à vérifier\n",
        garde=False,
    )
    lancer(pytester).assert_outcomes(passed=1)


# --- Chaque fichier .feature est lié par un module de test ------------------------------------


def _nom_appele(appel: ast.Call) -> str | None:
    if isinstance(appel.func, ast.Name):
        return appel.func.id
    if isinstance(appel.func, ast.Attribute):
        return appel.func.attr
    return None


def feature_files_bound_by(modules: Iterable[Path], base: Path) -> set[Path]:
    """Les fichiers ``.feature`` que lient les appels ``scenarios(...)``/``scenario(...)``.

    Les chemins sont relatifs à ``bdd_features_base_dir``, comme pour pytest-bdd ;
    ``scenarios("un_dossier")`` lie tous les fichiers du dossier.
    """
    lies: set[Path] = set()
    for module in modules:
        arbre = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
        for noeud in ast.walk(arbre):
            if not isinstance(noeud, ast.Call):
                continue
            nom = _nom_appele(noeud)
            if nom not in ("scenarios", "scenario"):
                continue
            arguments = noeud.args if nom == "scenarios" else noeud.args[:1]
            for argument in arguments:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    cible = (base / argument.value).resolve()
                    if cible.is_dir():
                        lies.update(p.resolve() for p in cible.rglob("*.feature"))
                    else:
                        lies.add(cible)
    return lies


def unbound_feature_files(base: Path, modules: Iterable[Path]) -> list[Path]:
    lies = feature_files_bound_by(modules, base)
    return sorted(p for p in base.rglob("*.feature") if p.resolve() not in lies)


def test_every_feature_file_is_bound_by_a_test_module(pytestconfig: pytest.Config) -> None:
    base = pytestconfig.rootpath / str(pytestconfig.getini("bdd_features_base_dir"))
    modules = sorted((pytestconfig.rootpath / "tests").rglob("test_*.py"))
    assert sorted(base.rglob("*.feature")), f"aucun fichier .feature sous {base}"
    orphelins = unbound_feature_files(base, modules)
    assert orphelins == [], f"fonctionnalités que rien n'exécute : {orphelins}"


def test_the_binding_check_reports_a_feature_file_that_no_module_binds(tmp_path: Path) -> None:
    base = tmp_path / "features"
    (base / "sous_dossier").mkdir(parents=True)
    for nom in ("liee.feature", "orpheline.feature", "sous_dossier/liee_par_dossier.feature"):
        (base / nom).write_text("# language: fr\nFonctionnalité: x\n", encoding="utf-8")
    module = tmp_path / "test_exemple.py"
    module.write_text(
        'from pytest_bdd import scenarios\nscenarios("liee.feature", "sous_dossier")\n',
        encoding="utf-8",
    )
    assert unbound_feature_files(base, [module]) == [base / "orpheline.feature"]
