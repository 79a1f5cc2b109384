"""The in-process event bus and the start-up wiring of who listens to what."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from mireru import events, listeners
from mireru.items.events import ItemsAdded
from mireru.registry import reembed
from mireru.registry.events import VersionDeployed


@dataclass(frozen=True)
class Happened:
    what: str


@dataclass(frozen=True)
class Other:
    what: str


@pytest.fixture
def bus() -> Iterator[None]:
    """A clean bus for the test; the app's listeners are connected again afterwards."""
    events.clear()
    yield
    events.clear()
    listeners.register()


def test_listeners_run_in_subscription_order_once_each_and_only_for_their_type(bus: None) -> None:
    seen: list[str] = []

    def first(event: Happened) -> None:
        seen.append(f"first:{event.what}")

    def second(event: Happened) -> None:
        seen.append(f"second:{event.what}")

    events.subscribe(Happened, first)
    events.subscribe(Happened, second)
    events.subscribe(Happened, first)  # again: no second call
    events.publish(Happened("a"))
    events.publish(Other("b"))  # nobody listens: nothing happens
    assert seen == ["first:a", "second:a"]
    assert events.has_listeners(Happened)
    assert not events.has_listeners(Other)


def test_a_listener_error_reaches_the_publisher(bus: None) -> None:
    def broken(event: Happened) -> None:
        raise RuntimeError(f"cannot handle {event.what}")

    events.subscribe(Happened, broken)
    with pytest.raises(RuntimeError, match="cannot handle x"):
        events.publish(Happened("x"))


def test_register_connects_items_and_deployments_to_their_consumers_idempotently(bus: None) -> None:
    assert not events.has_listeners(ItemsAdded)
    listeners.register()
    listeners.register()
    assert events.has_listeners(ItemsAdded)
    assert events.has_listeners(VersionDeployed)
    assert reembed.retrieval_engine_available()
