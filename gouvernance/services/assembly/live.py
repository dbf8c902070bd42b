"""The live tally, for the scrutineers' screens: the tally now, then again at each change.

Framework-free (an async generator over anyio), shared by the API's Server-Sent Events
(``/assemblies/{code}/live``) and the web shell's (``/assemblees/{code}/direct/flux``): a cheap
marker is polled, the tally is computed again only when it changes, and the stream ends on the
final tally once the assembly is closed. ``tally_data`` is the tally as JSON-ready values, the
same fields as the API's ``TallyOut``, for a shell that has no schema of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from fractions import Fraction
from typing import Any

import anyio.to_thread

from gouvernance.domain.assembly.tally import (
    CollegeResult,
    Counts,
    QuorumResult,
    ResolutionResult,
)
from gouvernance.domain.scic.law import format_share
from gouvernance.domain.users import Actor
from gouvernance.services.assembly import assemblies
from gouvernance.services.assembly.assemblies import AssemblySummary, TallyView
from gouvernance.services.ports import UnitOfWorkFactory

__all__ = ["POLL_SECONDS", "follow", "tally_data"]

POLL_SECONDS = 0.5  # how often a live screen looks for a change: a few indexed rows (0013)


async def follow(
    uows: UnitOfWorkFactory,
    actor: Actor,
    code: str,
    *,
    first: TallyView | None = None,
    limit: int | None = None,
    poll_seconds: float = POLL_SECONDS,
) -> AsyncIterator[TallyView]:
    """The tally (``first`` when the caller already computed it, to refuse before streaming),
    then a new one each time the marker changes; ends after the final tally, or after
    ``limit`` tallies. A refusal on the way (an account revoked…) is raised to the caller."""
    view = first if first is not None else await _tally(uows, actor, code)
    sent = 0
    while True:
        yield view
        sent += 1
        if view.final or (limit is not None and sent >= limit):
            return
        view = await _next_change(uows, actor, code, view.marker, poll_seconds)


async def _next_change(
    uows: UnitOfWorkFactory, actor: Actor, code: str, marker: str, poll_seconds: float
) -> TallyView:
    while True:
        await anyio.sleep(poll_seconds)
        current = await anyio.to_thread.run_sync(assemblies.live_marker, uows, actor, code)
        if current != marker:
            return await _tally(uows, actor, code)


async def _tally(uows: UnitOfWorkFactory, actor: Actor, code: str) -> TallyView:
    return await anyio.to_thread.run_sync(assemblies.tally, uows, actor, code)


# --- the tally as JSON ------------------------------------------------------------------------


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


def _share(value: Fraction | None) -> str | None:
    return None if value is None else format_share(value)


def _summary(view: AssemblySummary) -> dict[str, Any]:
    return {
        "code": view.code, "title": view.title, "kind": view.kind, "kind_label": view.kind_label,
        "convocation": view.convocation, "held_on": view.held_on.isoformat(),
        "status": view.status.value, "status_label": view.status.label,
    }  # fmt: skip


def _quorum(result: QuorumResult) -> dict[str, Any]:
    return {
        "decision_kind": result.decision_kind, "decision_label": result.decision_label,
        "convocation": result.convocation, "required": str(result.required),
        "required_text": format_share(result.required) if result.required else "sans quorum",
        "entitled": result.entitled, "attending": result.attending, "reached": result.reached,
        "explanation": result.explanation,
    }  # fmt: skip


def _counts(counts: Counts) -> dict[str, int]:
    return {
        "for": counts.for_, "against": counts.against, "abstain": counts.abstain,
        "blank": counts.blank, "null": counts.null, "total": counts.total,
    }  # fmt: skip


def _college(college: CollegeResult) -> dict[str, Any]:
    return {
        "code": college.code, "label": college.label, "weight": str(college.weight),
        "weight_text": format_share(college.weight),
        "effective_weight": str(college.effective_weight),
        "effective_weight_text": format_share(college.effective_weight),
        "entitled": college.entitled, "attending": college.attending,
        "blank_proxies": college.blank_proxies, "counts": _counts(college.counts),
        "base": college.base, "in_favour": college.in_favour, "result": _exact(college.result),
        "result_text": _share(college.result), "state": college.state.value,
        "state_label": college.state.label, "explanation": college.explanation,
    }  # fmt: skip


def _resolution(result: ResolutionResult) -> dict[str, Any]:
    rule = result.rule
    word = "plus de" if rule.strict else "au moins"
    return {
        "number": result.number, "title": result.title, "decision_kind": result.decision_kind,
        "decision_label": result.decision_label, "reference": result.reference,
        "proposer": result.proposer.value, "rule": rule.describe(),
        "threshold": str(rule.majority),
        "threshold_text": f"{word} {format_share(rule.majority)}", "strict": rule.strict,
        "quorum": _quorum(result.quorum),
        "colleges": [_college(c) for c in result.colleges],
        "headcount": _counts(result.headcount), "weighted": _exact(result.weighted),
        "weighted_text": _share(result.weighted), "outcome": result.outcome.value,
        "outcome_label": result.outcome.label, "explanation": list(result.explanation),
    }  # fmt: skip


def tally_data(view: TallyView) -> dict[str, Any]:
    """The tally as the live feeds send it (JSON-ready): exact shares as text (« 7/9 »), and as
    a French reads them (« ≈ 77,78 % »), never a float."""
    return {
        "assembly": _summary(view.summary),
        "final": view.final,
        "marker": view.marker,
        "quorums": [_quorum(q) for q in view.tally.quorums],
        "resolutions": [_resolution(r) for r in view.tally.resolutions],
        "time_zone": view.time_zone,
    }
