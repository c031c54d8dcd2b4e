"""An attribute made the first time it is read, for units of work and their repositories.

A unit of work makes each repository when first used: a check uses none of them. The
standard :class:`functools.cached_property` does this, but before Python 3.12 it holds
one lock per property for every instance of the class while it makes the value; a
memory unit takes the store's lock while making a repository, and a writing unit holds
the store's lock when it first reads one, so two threads could each wait for the other
(one in the property's lock, one in the store's). This descriptor takes no lock: a unit
of work belongs to one thread, so nothing else can be making its value at the same time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

__all__ = ["made_when_used"]

T = TypeVar("T")


class made_when_used(Generic[T]):
    """``functools.cached_property`` without its lock (see the module doc): the value is
    made by the decorated method on first read and kept in the instance's ``__dict__``,
    which later reads find first."""

    def __init__(self, make: Callable[[Any], T]) -> None:
        self._make = make
        self._name = make.__name__
        self.__doc__ = make.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> made_when_used[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | made_when_used[T]:
        if instance is None:
            return self
        value = self._make(instance)
        vars(instance)[self._name] = value
        return value
