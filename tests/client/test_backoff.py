import pytest

from desktop.client.backoff import Backoff


def test_delays_grow_then_cap_with_bounded_jitter() -> None:
    mid = Backoff(random=lambda: 0.5)
    assert [mid.delay(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 15.0]
    low, high = Backoff(random=lambda: 0.0), Backoff(random=lambda: 1.0)
    assert low.delay(0) == 0.4
    assert high.delay(10) == pytest.approx(18.0)
