import asyncio
import math
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pysignalr.client import SignalRClient
from pysignalr.messages import CompletionMessage, PingMessage

from desktop.client.tick_decode import RECORD_SEPARATOR, route_ticks_directly, tick_fields
from desktop.domain.errors import DecodeError

RS = RECORD_SEPARATOR


BAD: list[tuple[str, DecodeError]] = []


def _client() -> tuple[SignalRClient, list[list[Any]], list[Any]]:
    client = SignalRClient("http://127.0.0.1:9/hubs/mt4/v2")
    others: list[Any] = []

    async def dispatch(message: Any) -> None:
        others.append(message)

    client._transport._on_message = dispatch  # type: ignore[method-assign]
    ticks: list[list[Any]] = []
    BAD.clear()
    route_ticks_directly(client, "OnTick", ticks.append, lambda record, exc: BAD.append((record, exc)))
    return client, ticks, others


def test_ticks_skip_the_message_objects_and_everything_else_keeps_pysignalr_s_path_in_order() -> None:
    client, ticks, others = _client()
    tick = {"symbol": "EURUSD", "bid": 1.1, "ask": 1.2, "lastTime": "2026-12-01T10:00:00.125Z"}
    text = (
        orjson.dumps({"type": 1, "target": "OnTick", "arguments": [tick]}).decode()
        + RS
        + '{"type":6}'
        + RS
        + '{"type":3,"invocationId":"1","result":null}'
        + RS
    )
    asyncio.run(client._transport._on_raw_message(text))
    assert ticks == [[tick]]
    assert isinstance(others[0], PingMessage)
    assert isinstance(others[1], CompletionMessage)


def test_other_invocations_are_left_to_pysignalr() -> None:
    client, ticks, others = _client()
    asyncio.run(client._transport._on_raw_message('{"type":1,"target":"OnConnectionStatus","arguments":[{}]}' + RS))
    assert ticks == []
    assert len(others) == 1


def test_a_record_that_is_not_json_is_set_aside_and_the_records_after_it_are_read() -> None:
    client, ticks, _ = _client()
    tick = {"symbol": "EURUSD", "bid": 1.1, "ask": 1.2}
    good = orjson.dumps({"type": 1, "target": "OnTick", "arguments": [tick]}).decode()
    asyncio.run(client._transport._on_raw_message("{not json" + RS + good + RS))
    assert ticks == [[tick]]
    assert [record for record, _ in BAD] == ["{not json"]
    assert "is not JSON" in str(BAD[0][1])


def test_tick_fields_of_a_hub_payload() -> None:
    fields = tick_fields({"symbol": "EURUSD", "bid": 1.1, "ask": 1.2, "lastTime": "1970-01-01T00:00:01.500Z"})
    assert fields == ("EURUSD", 1.1, 1.2, 1.5)


@given(
    st.dictionaries(
        st.sampled_from(["symbol", "bid", "ask", "lastTime", "other"]),
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    )
)
def test_a_bad_payload_raises_a_countable_error_or_gives_a_real_tick(payload: dict[str, Any]) -> None:
    try:
        symbol, bid, ask, time = tick_fields(payload)
    except DecodeError:
        return
    assert isinstance(symbol, str)
    assert type(payload["bid"]) in (int, float)
    assert type(payload["ask"]) in (int, float)
    assert isinstance(bid, float)
    assert isinstance(ask, float)
    assert isinstance(time, float)
    assert not math.isnan(time)
    assert math.isfinite(bid)
    assert math.isfinite(ask)
    assert (bid, ask) == (payload["bid"], payload["ask"])


def test_a_true_or_a_text_is_never_read_as_a_price() -> None:
    for bid in (True, "1.1", None, math.nan, math.inf):
        with pytest.raises(DecodeError, match=r"TickPayload\.bid"):
            tick_fields({"symbol": "EURUSD", "bid": bid, "ask": 1.2})


def test_ticks_that_take_pysignalr_s_path_reach_the_hub_s_sink_too() -> None:
    from pysignalr.messages import InvocationMessage

    from desktop.client.hub import TickHub

    got: list[tuple[str, float, float, float]] = []

    async def token() -> str:
        return "t"

    hub = TickHub(lambda: "http://127.0.0.1:9/hubs/mt4/v2", token, lambda *a: got.append(a), own_thread=False)
    client = hub._build_client("t")
    tick = {"symbol": "EURUSD", "bid": 1.1, "ask": 1.2, "lastTime": "1970-01-01T00:00:02.000Z"}
    message = InvocationMessage(invocation_id=None, target="OnTick", arguments=[tick])  # type: ignore[call-arg]
    asyncio.run(client._on_message(message))
    assert got == [("EURUSD", 1.1, 1.2, 2.0)]
