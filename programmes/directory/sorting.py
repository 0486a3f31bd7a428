"""Sorting names the way the reader's alphabet does (ICU collation).

Danish and Norwegian put Æ, Ø, Å after Z (and Danish, Norwegian read "Aa" as Å); Swedish
and Finnish put Å, Ä, Ö after Z. PostgreSQL's collation depends on the server's locales,
so the directory sorts in Python with ICU (PyICU, ICU bundled): a directory holds a few
hundred partners at most.
"""

import threading
from collections.abc import Callable, Iterable

import icu

from programmes.core.i18n import formatting_locale

_local = threading.local()


def collation_locale(language: str | None = None) -> str:
    """The ICU locale for the active language in the current tenant's country: the tenant's
    formatting locale (da → da_DK, sv → sv_SE or sv_FI, fi → fi_FI, nb → nb_NO, en → en_…)."""
    return formatting_locale(language=language)


def collator(locale: str) -> icu.Collator:
    """A collator for ``locale``, one per thread and locale (creating one costs more than
    sorting a directory)."""
    cached: dict[str, icu.Collator] = _local.__dict__.setdefault("collators", {})
    key = locale or "root"
    if key not in cached:
        cached[key] = icu.Collator.createInstance(icu.Locale(key))
    return cached[key]


def name_sort_key(locale: str) -> Callable[[str], bytes]:
    """The sort key of a name in ``locale``'s alphabet."""
    return collator(locale).getSortKey


def sorted_by_name[T](
    items: Iterable[T],
    *,
    locale: str,
    name: Callable[[T], str] = lambda item: item.name,  # type: ignore[attr-defined]
    tie: Callable[[T], object] = lambda item: item.pk,  # type: ignore[attr-defined]
    reverse: bool = False,
) -> list[T]:
    """``items`` ordered by ``name`` in ``locale``'s alphabet; equal names by ``tie`` (the
    primary key by default), so the order is stable across pages."""
    key = name_sort_key(locale)
    return sorted(items, key=lambda item: (key(name(item)), tie(item)), reverse=reverse)


def sorted_names(names: Iterable[str], *, locale: str) -> list[str]:
    """Plain strings in ``locale``'s alphabet."""
    return sorted(names, key=name_sort_key(locale))
