"""(surplus: work in progress)."""

from fastapi import APIRouter

router = APIRouter(tags=["surplus"])
