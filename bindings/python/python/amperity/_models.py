"""Typed result objects: light ``__slots__`` classes built from the core's JSON.

The model classes are generated from the core's models into ``_schema.py``; this module adds the
aliases and the one class whose shape is the Python layer's own.
"""

from __future__ import annotations

from typing import Any

from . import _schema
from ._model_base import _Model
from ._schema import *  # noqa: F403 - the generated models (their ``__all__``)
from ._schema import Campaign

__all__ = ["CampaignDraft", "RawResponse"]
__all__ += _schema.__all__

CampaignDraft = Campaign
"""A campaign draft has the same shape as a campaign."""


class RawResponse(_Model):
    """The answer of a raw request.

    Attributes:
        status: HTTP status (2xx; error statuses raise :class:`APIStatusError` subclasses).
        json: the decoded JSON body (``None`` when the body was empty).
    """

    __slots__ = ("status", "json")
    status: int
    json: Any
