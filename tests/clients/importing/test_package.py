"""The package's own names (goodterms.clients.importing): what the rest of goodterms imports from it."""

from __future__ import annotations

import pytest

from goodterms.clients import importing
from goodterms.clients.importing import preview


@pytest.mark.parametrize("name", importing.__all__)
def test_every_public_name_is_there(name):
    assert getattr(importing, name) is not None


def test_the_preview_names_are_the_preview_modules_own():
    assert importing.build_preview is preview.build_preview
    assert importing.Outcome is preview.Outcome
    assert importing.Existing is preview.Existing


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'build_previews'"):
        importing.build_previews  # type: ignore[attr-defined]  # noqa: B018
