"""Checks asked many at a time (check_use_many, check_provision_many) answer what the
same checks asked one at a time answer, whatever the shape of their input.

``engine`` is the contract policy's, on each built-in store (``tests/conftest.py``)."""

from __future__ import annotations

import pipolicy as pp


def test_r_use_1_a_check_made_with_an_iterator_of_items_answers_every_time(
    engine: pp.Engine,
) -> None:
    """A check is a value, asked as often as wanted: items given as an iterator (a
    generator, ``map``) are taken once, when the check is made, not used up by the first
    asking, which left the next asking with no items."""
    s = engine.register_subject("u", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    engine.grant_consent(s, recipient="partner", items={"email"})
    use = pp.UseCheck(s, "service", (item for item in ["email"]))
    give = pp.ProvisionCheck(s, "partner", map(str, ["email"]), purpose="service")
    alike = pp.UseCheck(s, "service", ("email",))

    assert [d.allowed for d in engine.check_use_many([use, use])] == [True, True]
    assert engine.check_use_many([use]) == engine.check_use_many([alike])
    assert use == alike
    assert [d.allowed for d in engine.check_provision_many([give, give])] == [True, True]
    assert engine.check_provision_many([give]) == [
        engine.check_provision(s, recipient="partner", items={"email"}, purpose="service")
    ]


def test_a_check_made_with_a_string_of_items_is_still_one_name(engine: pp.Engine) -> None:
    s = engine.register_subject("u", category="customer")
    engine.acquire(s, items={"email"}, purposes={"service"}, channel="web")
    [d] = engine.check_use_many([pp.UseCheck(s, "service", "email")])
    assert d == engine.check_use(s, purpose="service", items="email")


def test_r_sec_3_a_checks_repr_never_shows_a_key_given_as_the_subject() -> None:
    """A str subject is meant to be pipolicy's id, but the application's own key (an
    e-mail address) is the mistake SubjectNotFound already keeps out of its message: a
    check logged or shown by a test runner must not print it either."""
    for check in (
        pp.UseCheck("taro@example.jp", "service", {"email"}),
        pp.ProvisionCheck("taro@example.jp", "partner", {"email"}),
        pp.UseCheck(pp.Ref("taro@example.jp"), "service", {"email"}),
    ):
        assert "taro" not in repr(check)
        assert "service" in repr(check) or "partner" in repr(check)
