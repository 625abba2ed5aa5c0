from collections import deque

from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.series import PriceSeries


@given(st.integers(min_value=1, max_value=12), st.lists(st.integers(min_value=0, max_value=30), max_size=12))
def test_the_ring_holds_exactly_the_newest_samples_in_order(capacity: int, batches: list[int]) -> None:
    series = PriceSeries(capacity)
    model: deque[tuple[float, float, float]] = deque(maxlen=capacity)
    counter = 0
    for size in batches:
        batch = [(float(counter + i), float(counter + i) + 0.5, float(1000 + counter + i)) for i in range(size)]
        counter += size
        series.extend(batch)
        model.extend(batch)
        view = series.view()
        assert list(view.bid) == [b for b, _, _ in model]
        assert list(view.ask) == [a for _, a, _ in model]
        assert list(view.time) == [t for _, _, t in model]
        assert len(series) == len(model)
