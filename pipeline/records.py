"""Plain records passed between stages."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import PurePath

from pipeline.visible import name

LABELS = ("hedged", "supported", "overstated")
KINDS = ("news", "press_release", "journal", "blog", "other")
CLAIM_TYPES = ("efficacy", "safety", "prevalence", "mechanism", "eligibility", "evidence", "practical")
DESIGNS = ("observational", "experimental", "animal", "review", "unknown")


def public_path(path: str) -> str:
    """A path as outputs record it: URLs and relative paths as given, absolute paths by file name only.

    Outputs must not depend on (or reveal) where the inputs sit on this machine; ``path:LINE``
    (a JSONL line) keeps its line number. Bytes of a name that are not UTF-8 are written ``\\xNN``
    (:func:`pipeline.visible.name`).
    """
    path = str(path or "")
    if re.match(r"[A-Za-z][A-Za-z0-9+.\-]*://", path):
        return name(path)
    if path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", path):
        path = PurePath(path.replace("\\", "/")).name or path
    return name(path)


@dataclass
class Article:
    """One article's clean text and metadata; claim offsets index into ``text``."""

    article_id: str
    text: str
    title: str = ""
    source: str = ""
    url: str = ""
    path: str = ""
    published: str = ""
    kind: str = "news"
    story: str = ""
    meta: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Article":
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class Skipped:
    """An input that could not be processed, with the reason shown to the user."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"

    def to_dict(self) -> dict:
        """For outputs: the path as ``public_path`` gives it (messages on stderr use the full path)."""
        return {"path": public_path(self.path), "reason": self.reason}
