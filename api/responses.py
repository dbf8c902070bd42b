"""Answering a read with its JSON at once.

A sync route that returns a model has FastAPI validate it again against ``response_model``, in
another trip through the thread pool, before writing it out: for the reads that every screen
asks (a member, a page of the register, a balance), the model is written here as JSON, once.
``response_model`` stays on the route: the OpenAPI page is unchanged."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def json_of(model: BaseModel, status_code: int = 200) -> Response:
    """``model`` as FastAPI would have written it (pydantic's JSON, field names as declared)."""
    return Response(model.model_dump_json(), status_code, media_type="application/json")
