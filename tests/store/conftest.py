"""Bare company stores with only the spine tables (no users, no company profile): fast and focused."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from equisis.store import CompanyStore
from equisis.store.migrations import MIGRATIONS as SPINE


def open_spine(folder: Path, **kwargs) -> CompanyStore:
    return CompanyStore.open(folder, [SPINE], **kwargs)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path):
    """A new company folder with the spine tables, routed for the test."""
    opened = open_spine(tmp_path / "shop", create=True)
    with opened.session():
        yield opened
    opened.close()
