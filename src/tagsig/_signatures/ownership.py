"""Who owns a domain: organisations, their parents, their domains and their hosting.

:class:`Ownership` indexes a signature database's organisations once, so that the questions
an audit asks for every request (who owns this host, is it a hosting platform's customer
content, which domains belong to the same owner) cost a few dictionary look-ups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Final

from attrs import field, frozen

from tagsig._inputs.psl import public_suffix_list
from tagsig._inputs.url import normalize_host

if TYPE_CHECKING:
    from tagsig._signatures.model import Organisation, Signature

__all__ = ["Ownership"]

_CACHE_SIZE: Final = 1 << 16
_MISSING: Final = object()


def _top(organisation: Organisation, by_id: Mapping[str, Organisation]) -> Organisation:
    """Follow ``parent`` to the end; a loop (possible only in code) stops before it repeats."""
    seen = {organisation.id}
    while organisation.parent is not None:
        parent = by_id.get(organisation.parent)
        if parent is None or parent.id in seen:
            break
        seen.add(parent.id)
        organisation = parent
    return organisation


@frozen(kw_only=True, eq=False)
class Ownership:
    """Organisations indexed by id, owned domain and hosting suffix; build with :meth:`build`."""

    by_id: Mapping[str, Organisation]
    """Every organisation by id."""
    tops: Mapping[str, Organisation]
    """The current owner (top of the parent chain) of every organisation, by id."""
    owners: Mapping[str, Organisation]
    """The owner of every domain an organisation lists in its ``domains``."""
    pattern_owners: Mapping[str, Organisation]
    """The organisation of the first signature (by id) with the host pattern ``name`` or
    ``*.name``, for every such ``name`` that no organisation lists; it owns ``name`` when
    ``name`` is a registrable domain."""
    hosting: Mapping[str, Organisation]
    """The platform of every hosting entry (registrable domain or public suffix)."""
    related_sets: Callable[[], Mapping[str, frozenset[str]]]
    """Returns the Related Website Sets (each member site mapped to its set); called on
    first need."""
    _registrable: dict[str, str | None] = field(factory=dict, init=False, repr=False)
    _related: dict[str, frozenset[str]] = field(factory=dict, init=False, repr=False)
    _members: dict[str, list[str]] = field(factory=dict, init=False, repr=False)
    """Names owned or stood for under each current owner, grouped on first need."""
    _families: dict[str, frozenset[str]] = field(factory=dict, init=False, repr=False)

    @classmethod
    def build(
        cls,
        organisations: Iterable[Organisation],
        signatures: Iterable[Signature],
        related_sets: Callable[[], Mapping[str, frozenset[str]]],
    ) -> Ownership:
        """Index ``organisations``, and the domains their ``signatures`` stand for.

        A signature of an organisation stands for a registrable domain when one of its
        host patterns is that domain or ``*.`` that domain. Organisations' own ``domains``
        come first; among signatures, the first by id wins; hosting entries are never owned.
        Building costs dictionary insertions only: whether a pattern's name is a
        registrable domain is settled when a host asks.
        """
        by_id = {organisation.id: organisation for organisation in organisations}
        tops = {key: _top(organisation, by_id) for key, organisation in by_id.items()}
        hosting = {entry: o for o in by_id.values() for entry in o.hosting}
        owners: dict[str, Organisation] = {}
        for organisation in by_id.values():
            for domain in organisation.domains:
                owners.setdefault(domain, organisation)
        pattern_owners: dict[str, Organisation] = {}
        for signature in sorted(signatures, key=lambda s: s.id):
            owner = by_id.get(signature.organisation or "")
            if owner is None:
                continue
            for pattern in signature.hosts:
                name = normalize_host(pattern.removeprefix("*."))
                if name not in owners:
                    pattern_owners.setdefault(name, owner)
        return cls(
            by_id=by_id,
            tops=tops,
            owners=owners,
            pattern_owners=pattern_owners,
            hosting=hosting,
            related_sets=related_sets,
        )

    def owner_of_domain(self, domain: str) -> Organisation | None:
        """Return the owner of the registrable domain ``domain``, or ``None``."""
        found = self.owners.get(domain)
        return found if found is not None else self.pattern_owners.get(domain)

    def family(self, top_id: str) -> frozenset[str]:
        """Return every registrable domain owned under the current owner ``top_id``."""
        found = self._families.get(top_id)
        if found is None:
            if not self._members:
                members = self._members
                for domain, organisation in self.owners.items():
                    members.setdefault(self.tops[organisation.id].id, []).append(domain)
                for name, organisation in self.pattern_owners.items():
                    members.setdefault(self.tops[organisation.id].id, []).append(name)
                members.setdefault("", [])  # grouped, even when there is nothing
            psl = public_suffix_list()
            found = frozenset(
                name
                for name in self._members.get(top_id, ())
                if name in self.owners
                or (psl.registrable_domain(name) == name and self._hosting_entry(name) is None)
            )
            self._families[top_id] = found
        return found

    def registrable_domain(self, host: str) -> str | None:
        """Return the registrable domain of ``host`` (normalised), or ``None``."""
        cache = self._registrable
        found = cache.get(host, _MISSING)
        if found is _MISSING:
            name = normalize_host(host)
            found = public_suffix_list().registrable_domain(name) if name else None
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            cache[host] = found
        return found  # type: ignore[return-value]

    def hosting_platform(self, host: str) -> Organisation | None:
        """Return the organisation whose ``hosting`` covers ``host``, or ``None``."""
        entry = self._hosting_entry(normalize_host(host))
        return None if entry is None else self.hosting[entry]

    def _hosting_entry(self, name: str) -> str | None:
        """Return the hosting entry equal to or above ``name`` (normalised), or ``None``."""
        if not self.hosting:
            return None
        while True:
            if name in self.hosting:
                return name
            _, dot, name = name.partition(".")
            if not dot:
                return None

    def domain_owner(self, host: str) -> Organisation | None:
        """Return the organisation owning the registrable domain of ``host``, or ``None``."""
        name = normalize_host(host)
        if self._hosting_entry(name) is not None:
            return None
        domain = self.registrable_domain(name)
        return None if domain is None else self.owner_of_domain(domain)

    def related_domains(self, host: str) -> frozenset[str]:
        """Return the registrable domains related to ``host`` (see ``SignatureDB``).

        A host under a hosting entry is a customer's site: the entry plus one label stands
        for its registrable domain, as if the entry were a public suffix.
        """
        name = normalize_host(host)
        entry = self._hosting_entry(name)
        if entry is not None:
            if name == entry:
                return frozenset()
            return frozenset({name.removesuffix("." + entry).rpartition(".")[2] + "." + entry})
        domain = self.registrable_domain(name)
        if domain is None:
            return frozenset()
        found = self._related.get(domain)
        if found is None:
            related = {domain}
            owner = self.owner_of_domain(domain)
            if owner is not None:
                related |= self.family(self.tops[owner.id].id)
            related |= self.related_sets().get(domain, frozenset())
            found = frozenset(related)
            if len(self._related) >= _CACHE_SIZE:
                self._related.clear()
            self._related[domain] = found
        return found
