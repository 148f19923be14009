"""Two measured speed-ups for code that builds hundreds of thousands of objects."""
from __future__ import annotations

import dataclasses
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic objects."""
    # Parsing and evaluation allocate hundreds of thousands of objects that form no
    # reference cycles, and the collector would walk the whole (large) heap again and
    # again for nothing: it made evaluating 100,000 trajectories 1.5–2× slower.
    # Reference counting still frees everything; the collector resumes afterwards.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def fast_init(cls: type) -> type:
    """Give a frozen slotted dataclass an __init__ that fills its slots directly.

    The __init__ dataclasses generates for frozen classes goes through
    object.__setattr__ once per field, which makes a 20-field result about twice as
    slow to build as it needs to be; evaluation builds one per claim. This one has the
    same signature and defaults (keyword-only fields stay keyword-only) and writes each
    slot through its descriptor. Instances stay frozen: assigning an attribute
    afterwards still raises FrozenInstanceError. The class also gets `_make(*fields)`,
    which skips keyword matching (costly with many fields) for bulk construction.
    """
    positional: list[str] = []
    keyword: list[str] = []
    namespace: dict[str, object] = {}
    body = []
    for field in dataclasses.fields(cls):
        name = field.name
        if field.default is not dataclasses.MISSING:
            namespace[f"_default_{name}"] = field.default
            param = f"{name}=_default_{name}"
        elif field.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{name}: fast_init does not support default_factory")
        else:
            param = name
        (keyword if field.kw_only else positional).append(param)
        namespace[f"_set_{name}"] = cls.__dict__[name].__set__
        body.append(f"    _set_{name}(self, {name})\n")
    params = ", ".join(["self", *positional, *(["*", *keyword] if keyword else [])])
    names = ", ".join(field.name for field in dataclasses.fields(cls))
    namespace["_new"] = object.__new__
    namespace["_cls"] = cls
    source = (
        f"def __init__({params}):\n{''.join(body)}"
        # _make: every field positionally, in order, for code that builds them in bulk.
        f"def _make({names}):\n    self = _new(_cls)\n{''.join(body)}    return self\n"
    )
    exec(source, namespace)  # noqa: S102 - generated from field names only, as dataclasses does
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = f"Create a {cls.__name__}."
    cls.__init__ = init
    make = namespace["_make"]
    make.__qualname__ = f"{cls.__qualname__}._make"
    make.__doc__ = f"Create a {cls.__name__} from all its fields, positionally and in order."
    cls._make = staticmethod(make)
    return cls
