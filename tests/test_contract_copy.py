import pytest

from tests.contract import SHARED_SPEC_PATH, SPEC_PATH


def test_vendored_spec_is_the_shared_contract() -> None:
    if not SHARED_SPEC_PATH.exists():
        pytest.skip("no shared/ beside this checkout")
    assert SPEC_PATH.read_bytes() == SHARED_SPEC_PATH.read_bytes()
