"""The work done after an acknowledgement: a click's answer never waits behind App Home being
drawn, Home waits for a moment when nothing is being answered (for about two seconds at most),
and the same Home asked for twice before it is drawn is drawn once."""

from __future__ import annotations

import threading

from bot.after_ack import AfterAck


def test_a_clicks_answer_goes_ahead_of_a_burst_of_home_drawing() -> None:
    after_ack = AfterAck(workers=1, background_workers=1)
    release, drawing = threading.Event(), threading.Event()
    drawn: list[str] = []

    def slow_home(user: str) -> None:
        drawing.set()
        assert release.wait(10)
        drawn.append(user)

    after_ack.in_background("home", "home:U1", lambda: slow_home("U1"))
    assert drawing.wait(10)  # the background lane is busy drawing U1's Home
    for user in ("U2", "U3", "U2", "U2"):  # U2 asked for three times while it waits
        after_ack.in_background("home", f"home:{user}", lambda user=user: drawn.append(user))
    answered = threading.Event()
    after_ack("a click", answered.set, lambda _: None, "sorry")
    assert answered.wait(10), "the click's answer waited behind Home"
    assert drawn == []
    release.set()
    assert after_ack.wait_idle()
    assert drawn == ["U1", "U2", "U3"]


def test_home_asked_for_again_once_drawing_has_begun_is_drawn_again() -> None:
    """What changed while Home was being drawn is shown by the next drawing."""
    after_ack = AfterAck(workers=1, background_workers=1)
    begun, release = threading.Event(), threading.Event()
    drawn: list[int] = []

    def drawing() -> None:
        begun.set()
        assert release.wait(10)
        drawn.append(1)

    after_ack.in_background("home", "home:U1", drawing)
    assert begun.wait(10)
    after_ack.in_background("home", "home:U1", lambda: drawn.append(2))
    release.set()
    assert after_ack.wait_idle()
    assert drawn == [1, 2]


def test_home_waits_while_requests_are_being_answered() -> None:
    after_ack = AfterAck(workers=1, background_workers=1)
    order: list[str] = []
    answered = threading.Event()

    def answer() -> None:
        order.append("answer")
        answered.set()

    with after_ack.answering():  # a request in hand
        after_ack.in_background("home", "home:U1", lambda: order.append("home"))
        after_ack("a click", answer, lambda _: None, "sorry")
        assert answered.wait(10)
        order.append("request answered")
    assert after_ack.wait_idle()
    assert order == ["answer", "request answered", "home"]


def test_home_is_drawn_under_steady_load_all_the_same() -> None:
    """A stream of requests that never pauses delays Home by about two seconds, no more."""
    after_ack = AfterAck(workers=1, background_workers=1)
    drawn = threading.Event()
    with after_ack.answering():
        after_ack.in_background("home", "home:U1", drawn.set)
        assert drawn.wait(10), "Home waited for a quiet moment that never came"


def test_a_queue_of_home_drawing_drains_at_once_when_all_is_quiet() -> None:
    """Once the lane has found a quiet moment, the rest of its queue runs without waiting for
    another each: a hundred pieces wait one quiet moment, not a hundred."""
    after_ack = AfterAck(workers=1, background_workers=1)
    rounds_before: list[int] = []
    with after_ack.answering():
        for n in range(100):
            after_ack.in_background("home", f"home:U{n}",
                                    lambda: rounds_before.append(after_ack.rounds_waited))
    assert after_ack.wait_idle()
    assert len(rounds_before) == 100
    assert rounds_before[-1] == rounds_before[0]
