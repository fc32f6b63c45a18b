"""docs/SEGMENTS.md is the repository's copy of the team's product contract."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "SEGMENTS.md"


@pytest.mark.skipif(not SHARED.exists(), reason="the team's shared folder is not beside this clone")
def test_contract_copy_is_current() -> None:
    assert (REPO / "docs" / "SEGMENTS.md").read_text() == SHARED.read_text()
