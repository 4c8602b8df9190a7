"""What a page's template read of the site and its posts, and the digest of those reads.

While a template renders, the posts it is given are ``Tracked`` views that
record which of their fields it reads (``post.title``, ``post.excerpt``…) and
the site records which of its entries it reads (``site.title``,
``site.posts``, ``site.tags``…).  The posts reached through the site are views
of their own (``sitepost.title``…), however the template got there.
``PageReads.digest`` hashes the theme's templates and nbpress's code, the
page's own arguments (posts in them by URL, the page itself in full), and, for
each recorded read, that value: a site entry, the two neighbours' field, one
field of the posts in the page's own arguments (a home page's ten, a tag's), or
one field of every post for a field read through the site (one digest per
field and build).  So a tag added to one post renders again the pages listing
that post, not every listing page.  The page cache (``pagecache.py``) keeps a
page whose digest is unchanged.
"""

from __future__ import annotations

import hashlib
from typing import Any, Mapping, Sequence

from .memo import Memo

ALL = "*"  # a template walked every field (``{% for k in post %}``, ``tojson``)
_MISSING = "<nbpress: no such field>"  # stable in a digest, unlike object()
_OWN = ("page",)  # the page itself: hashed in full
_NEIGHBOURS = ("newer", "older")  # a post page's neighbours: their fields hashed one by one
_COLLECTIONS = ("posts", "pages")  # site entries whose items are posts and pages
_ARGUMENT, _THROUGH_SITE = "post", "sitepost"  # the roles of a post's two views


class _Sink:
    """Where the reads of the rendering under way go (one per ``PageMaker``)."""

    __slots__ = ("reads",)

    def __init__(self) -> None:
        self.reads: set[str] = set()


class Tracked(dict):
    """A template's view of a post (or of the site) that records the fields read."""

    __slots__ = ("_role", "_sink")

    def __init__(self, data: Mapping[str, Any], role: str, sink: _Sink) -> None:
        super().__init__(data)
        self._role, self._sink = role, sink

    def _read(self, key: Any) -> None:
        self._sink.reads.add(f"{self._role}.{key}")

    def _all(self) -> None:
        self._sink.reads.add(f"{self._role}.{ALL}")

    def __getitem__(self, key):
        self._read(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._read(key)
        return super().get(key, default)

    def __contains__(self, key) -> bool:
        self._read(key)
        return super().__contains__(key)

    def __iter__(self):
        self._all()
        return super().__iter__()

    def __len__(self) -> int:
        self._all()
        return super().__len__()

    def __bool__(self) -> bool:  # ``{% if newer %}``: a post is never empty, nothing to record
        return super().__len__() > 0

    def keys(self):
        self._all()
        return super().keys()

    def values(self):
        self._all()
        return super().values()

    def items(self):
        self._all()
        return super().items()

    def __eq__(self, other) -> bool:
        self._all()
        return super().__eq__(other)

    def __ne__(self, other) -> bool:  # dict's own, not ``not __eq__``
        self._all()
        return super().__ne__(other)

    def __reversed__(self):
        self._all()
        return super().__reversed__()

    def __or__(self, other):
        self._all()
        return super().__or__(other)

    def __ror__(self, other):
        self._all()
        return super().__ror__(other)

    def setdefault(self, key, default=None):
        self._read(key)
        return super().setdefault(key, default)

    def pop(self, *args):
        self._all()
        return super().pop(*args)

    def popitem(self):
        self._all()
        return super().popitem()

    __hash__ = None  # type: ignore[assignment]  # as dict's

    def __repr__(self) -> str:
        self._all()
        return super().__repr__()

    __str__ = __repr__

    def copy(self) -> dict:
        self._all()
        return dict(super().items())


_PLAIN = frozenset((str, int, float, bool, type(None)))


def _canon(value: Any, ids: Mapping[int, str]) -> Any:
    """``value`` as plain data whose ``repr`` is its digest input; a post as its URL."""
    if id(value) in ids:
        return ("post", ids[id(value)])
    if isinstance(value, dict):
        if all(type(v) in _PLAIN for v in value.values()):  # a sitemap's 2,000 entries
            return ("plain", repr(value))
        return tuple((repr(k), _canon(v, ids)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        urls = [ids.get(id(v)) for v in value]
        if urls and None not in urls:  # a list of posts (a tag's, a page of the home's)
            return ("posts", urls)
        return [_canon(v, ids) for v in value]
    return value


def _hash(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _fields_digest(page: Mapping[str, Any]) -> str:
    """A digest of a page's fields: long text (the post's HTML) as its bytes, the rest as
    its ``repr`` (``repr`` of the whole page spent most of its time escaping the HTML)."""
    digest = hashlib.sha256()
    for key, value in page.items():
        if type(value) is str and len(value) > 256:
            data, kind = value.encode("utf-8", "surrogatepass"), "s"
        else:
            data, kind = repr(value).encode(), "r"
        digest.update(f"\0{key!r}\0{kind}{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


class PageReads:
    """The recording views of one build's site and posts (``view``: a page's context as its
    template gets it; ``sink``: what the rendering under way read) and the digests of
    pages' reads.  ``base``: what every digest starts from (templates, code); ``memo``:
    serve's, where a page's digest is kept while its objects are the same; ``made``: the
    digests of posts' contexts, by id, made from what made them (``site.context_digests``)."""

    def __init__(self, site: Mapping[str, Any], base: str, memo: Memo | None = None,
                 made: Mapping[int, str] | None = None) -> None:
        self.base, self.sink = base, _Sink()
        self._made = made or {}  # by id: a post's context's digest of what made it
        self._site = site
        items = [p for name in _COLLECTIONS for p in site.get(name, ())]
        self._items = items
        self._ids = {id(p): p["url"] for p in items}
        # A post in the page's arguments, and the same post reached through the site: a
        # field read of the second may be of any post, however the site entry was got.
        # (The first kind are made as pages are rendered: few are, after an edit.)
        self._views: dict[str, dict[int, Tracked]] = {_ARGUMENT: {}, _THROUGH_SITE: {}}
        self._tracked_site = Tracked({k: self._swap(v, _THROUGH_SITE)
                                      for k, v in site.items()}, "site", self.sink)
        self._memo: dict[str, str] = {}
        self._fields: dict[int, dict[str, bytes]] = {}  # by post id: its fields' digests
        self._by_field: dict[str, dict[int, bytes]] = {}  # the same, by field then post id
        self._sets: dict[tuple[str, ...], tuple] = {}
        self._kept = memo

    def _swap(self, value: Any, role: str = _ARGUMENT) -> Any:
        """``value`` with each post in it replaced by its recording view of ``role`` (one per
        post and role, made when first asked for)."""
        if id(value) in self._ids:
            views = self._views[role]
            view = views.get(id(value))
            if view is None:
                view = views[id(value)] = Tracked(value, role, self.sink)
            return view
        if isinstance(value, dict) and not isinstance(value, Tracked):
            return {k: self._swap(v, role) for k, v in value.items()}
        if isinstance(value, list) or type(value) is tuple:  # (a named tuple stays as it is)
            return type(value)(self._swap(v, role) for v in value)
        return value

    def view(self, context: Mapping[str, Any]) -> dict[str, Any]:
        view = {}
        for key, value in context.items():
            if key == "site" and value is self._site:
                view[key] = self._tracked_site
            elif key in _OWN:
                view[key] = value  # its own fields are hashed in full: no need to record
            elif key in _NEIGHBOURS and isinstance(value, dict):
                view[key] = Tracked(value, "neighbour", self.sink)
            else:
                view[key] = self._swap(value)
        return view

    def digest(self, name: str, path: str, context: Mapping[str, Any],
               reads: Sequence[str]) -> str:
        reads = tuple(reads)
        values = self._values(reads, context, self._scope(reads, context))
        if self._kept is None:
            return self._hash(name, path, context, reads, values)
        # serve: the same objects (contexts are never changed once made) and the same values
        # of the fields it read give the digest computed last time.
        objects = tuple(v for k, v in context.items() if not (k == "site" and v is self._site))
        return self._kept.same("page", objects, (self.base, name, path, tuple(context), values),
                               lambda: self._hash(name, path, context, reads, values))

    def _values(self, reads: tuple[str, ...], context: Mapping[str, Any],
                scope: list | None) -> tuple:
        """The digest input of each read but the neighbours' (those are the page's own
        objects): the same for every page that read no field of its own posts, computed
        once per set of reads and build; a page that did, its own."""
        found = self._sets.get(reads) if scope is None else None
        if found is None:
            found = tuple(self._value(r, context, scope) for r in reads
                          if not r.startswith("neighbour."))
            if scope is None:
                self._sets[reads] = found
        return found

    def _scope(self, reads: Sequence[str], context: Mapping[str, Any]) -> list | None:
        """The posts in a page's own arguments, each once: what its ``post.`` reads are
        valued over (templates reach posts only through their arguments and the site: a
        post's fields hold no other post, its neighbours are read as ``neighbour.``, and
        posts reached through the site as ``sitepost.``); None when it read none.  (Which
        posts the arguments hold, where and how often, the digest has already: ``_canon``
        gives them by URL.)"""
        if not any(read.startswith(f"{_ARGUMENT}.") for read in reads):
            return None
        ids, found = self._ids, {}
        stack = [v for k, v in context.items() if k not in _OWN and k not in _NEIGHBOURS
                 and not (k == "site" and v is self._site)]
        while stack:  # (a home page's ten, a tag's, the archive's every post)
            value = stack.pop()
            if id(value) in ids:
                found.setdefault(id(value), value)
            elif isinstance(value, dict):
                stack.extend(value.values())
            elif isinstance(value, (list, tuple)):
                for item in value:
                    if id(item) in ids:
                        found.setdefault(id(item), item)
                    else:
                        stack.append(item)
        return list(found.values())

    def _hash(self, name: str, path: str, context: Mapping[str, Any],
              reads: tuple[str, ...], values: tuple) -> str:
        digest = hashlib.sha256(repr((self.base, name, path)).encode())
        for key, value in sorted(context.items()):
            if key == "site" and value is self._site:
                continue  # what it read of the site counts, below
            # A post's fields never hold other posts: its own are hashed whole, as text;
            # neighbours count by URL (or None), the fields read of them below.
            text = self._own(value) if key in _OWN else repr(_canon(value, self._ids))
            digest.update(f"\0{key}\0{len(text)}\0".encode() + text.encode())
        shared = iter(values)
        for read in reads:
            value = self._value(read, context, None) if read.startswith("neighbour.") \
                else next(shared)
            digest.update(f"\0{read}\0{value}".encode())
        return digest.hexdigest()[:32]  # 128 bits: plenty to tell two renderings apart

    def _own(self, page: Any) -> str:
        """The digest of a page's own fields (the same with or without a memo): for a post's
        context, the digest of what made it (``site.context_digests``)."""
        found = self._made.get(id(page))
        if found is not None:
            return found

        def digest() -> str:
            return _fields_digest(page)

        return digest() if self._kept is None else self._kept.same("page-digest", (page,),
                                                                   None, digest)

    def _value(self, read: str, context: Mapping[str, Any], scope: list | None) -> Any:
        """The digest input of one read; ``scope``: ``_scope``'s posts, or None."""
        role, _, key = read.partition(".")
        if role == "neighbour":
            return repr([self._field(n, key) for n in (context.get(k) for k in _NEIGHBOURS)
                         if isinstance(n, dict)])
        if role == _ARGUMENT:
            return self._across(scope or (), key)
        if read not in self._memo:
            if role == "site":
                value = self._site if key == ALL else self._site.get(key, _MISSING)
                self._memo[read] = _hash(_canon(value, self._ids))
            else:
                self._memo[read] = self._across(self._items, key)
        return self._memo[read]

    def _across(self, posts: Sequence[Mapping[str, Any]], key: str) -> str:
        """The digest of one field across ``posts``, in order, from each post's own digest
        of that field (made once per post and build; ``serve``: while the post is the same
        object), so that 250 listing pages do not each ``repr`` their posts' excerpts."""
        known = self._by_field.setdefault(key, {})  # by post id
        parts = list(map(known.get, map(id, posts)))
        if None in parts:
            for post in posts:
                if id(post) not in known:
                    known[id(post)] = self._field_digest(post, key)
            parts = list(map(known.get, map(id, posts)))
        return hashlib.sha256(b"".join(parts)).hexdigest()

    def _field_digest(self, post: Mapping[str, Any], key: str) -> bytes:
        known = self._fields.get(id(post))  # (posts are alive, held by the site, all build)
        if known is None:
            known = self._fields[id(post)] = {} if self._kept is None else self._kept.same(
                "field-digests", (post,), None, dict)  # contexts never change once made
        found = known.get(key)
        if found is None:
            text = _fields_digest(post) if key == ALL else repr(self._field(post, key))
            found = known[key] = hashlib.blake2b(text.encode(), digest_size=16).digest()
        return found

    @staticmethod
    def _field(post: Mapping[str, Any], key: str) -> Any:
        return post if key == ALL else post.get(key, _MISSING)


__all__ = ["ALL", "PageReads", "Tracked"]
