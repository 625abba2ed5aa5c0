import math

from desktop.bench.stats import percentile, window_figures


def test_window_figures_count_only_ticks_received_inside_the_window() -> None:
    received = [9.5, 10.0, 10.5, 11.0, 12.0]
    stamps = [9.4, 9.99, 10.49, 10.99, 11.9]
    figures = window_figures(received, stamps, 10.0, 12.0)
    assert figures.ticks == 3
    assert figures.rate == 1.5
    assert math.isclose(figures.p50_ms, 10.0)


def test_a_receiver_that_falls_behind_shows_a_growing_latency() -> None:
    received = [10.0 + i * 0.1 for i in range(50)]
    stamps = [10.0 + i * 0.05 for i in range(50)]  # it gets them at half the speed they are sent
    figures = window_figures(received, stamps, 10.0, 15.0)
    assert math.isclose(figures.growth_ms_per_s, 500.0, rel_tol=1e-6)


def test_no_values_give_nan_not_a_plausible_zero() -> None:
    assert math.isnan(percentile([], 99))
    assert math.isnan(window_figures([], [], 0.0, 1.0).growth_ms_per_s)
