from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from desktop.client.tick_time import parse_tick_time
from desktop.client.wire import parse_time

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def test_a_hub_stamp_with_milliseconds_is_epoch_seconds() -> None:
    assert parse_tick_time("2026-12-01T23:59:59.250Z") == datetime(2026, 12, 1, 23, 59, 59, 250_000, UTC).timestamp()


def test_other_shapes_fall_back_to_the_full_parser() -> None:
    for text in ("2026-12-01T10:00:00+02:00", "2026-12-01T10:00:00", "2026-12-01T10:00:00Z"):
        assert parse_tick_time(text) == parse_time(text)


def test_unreadable_times_are_zero_not_a_plausible_time() -> None:
    for text in (None, "", "garbage", "2026-13-01T10:00:00.000Z", "2026-12-01T10:00:1e.000Z", "2026-12-01T10:00:6_.0Z"):
        assert parse_tick_time(text) == 0.0
    assert parse_tick_time("2026-12-01T10:00:60.000Z") == parse_time("2026-12-01T10:00:60.000Z")


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)))
def test_agrees_with_the_datetime_parser_on_every_hub_stamp(moment: datetime) -> None:
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    assert abs(parse_tick_time(text) - parse_time(text)) < 1e-6


@given(st.text(max_size=30))
def test_never_raises_and_matches_the_full_parser_on_any_text(text: str) -> None:
    assert abs(parse_tick_time(text) - parse_time(text)) < 1e-6


@given(st.integers(min_value=0, max_value=6_000_000_000_000))
def test_matches_the_full_parser_on_any_millisecond(ms: int) -> None:
    moment = _EPOCH + timedelta(milliseconds=ms)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
    assert abs(parse_tick_time(text) - ms / 1000) < 1e-6
