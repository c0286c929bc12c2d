import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Evidence files go to a throwaway directory, never to var/media.
    settings.MEDIA_ROOT = str(tmp_path / "media")
