"""Statutes, legal parameters and compliance (filled in by the compliance work)."""

from fastapi import APIRouter

router = APIRouter(tags=["statuts"])
