"""In-process domain events, so that a lower package can tell higher ones that something happened
without importing them: items announce new items, the registry announces a deployment.

The publisher defines its event type (a frozen dataclass) and calls `publish`; the listeners are
registered once per process at start-up by `mireru.listeners` (an entrypoint), the way Django
signals are connected in `AppConfig.ready()`. Listeners run synchronously inside the publisher's
transaction: what they write commits or rolls back with it, and the jobs they queue are enqueued
only after that commit (`Dispatcher.enqueue_after_commit`), so no event is lost between a commit
and its handling, and none is acted on for work that was rolled back.
"""

import threading
from collections.abc import Callable
from typing import Any, TypeVar

E = TypeVar("E")

_lock = threading.Lock()
_listeners: dict[type, list[Callable[[Any], None]]] = {}


def subscribe(event_type: type[E], listener: Callable[[E], None]) -> None:
    """Call `listener` for every published `event_type`; subscribing the same listener twice is a
    no-op, so start-up code may run more than once in a process (tests create many apps)."""
    with _lock:
        registered = _listeners.setdefault(event_type, [])
        if listener not in registered:
            registered.append(listener)


def has_listeners(event_type: type) -> bool:
    with _lock:
        return bool(_listeners.get(event_type))


def publish(event: object) -> None:
    """Run every listener of the event's type, in subscription order; an error propagates to the
    publisher, whose transaction then rolls back as for any other failure."""
    with _lock:
        listeners = list(_listeners.get(type(event), ()))
    for listener in listeners:
        listener(event)


def clear() -> None:
    """Forget every listener (for tests of the bus itself)."""
    with _lock:
        _listeners.clear()
