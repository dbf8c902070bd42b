"""``gouvernance assemblies …``: convene, sign in, vote, count, tally, close, print the minutes.

Dates are typed ``2027-06-12`` or ``12/06/2027``; every refusal is printed in French with exit
code 1; the tally is shown as tables, one per resolution, with its French explanation.
"""

from __future__ import annotations

from gouvernance.cli_shell import FrenchErrorsTyper

app = FrenchErrorsTyper(
    help="Assemblées générales : émargement, pouvoirs, quorum, votes, dépouillement, PV.",
    no_args_is_help=True,
)
