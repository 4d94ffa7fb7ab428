"""Every key a crawl keeps in Redis, named in one place: the shared state (`spiders.state.redis`), the
workers' leases (`spiders.state.lease`) and the shared frontier (`spiders.distributed`)."""

PREFIX = "scraper:"
PAGES = PREFIX + "pages"  # url -> lastmod (or fetch time)
ARTICLES = PREFIX + "articles"  # canonical key -> content hash
ARTICLE_URLS = PREFIX + "article-urls"  # canonical key -> its page URLs, one a line
VERDICTS = PREFIX + "verdicts"  # url -> {"verdict", "judges", "capture": [warc, offset, fetched_at, digest]}
RUN_ID = PREFIX + "run-id"  # the crawl's identity in this Redis
QUEUE = PREFIX + "requests"  # one frontier for every spider: requests carry their site config
DUPEFILTER = PREFIX + "dupefilter"
INFLIGHT = PREFIX + "inflight:"  # + worker name: the requests a worker has taken and not finished


def pending_key(worker: str) -> str:
    """A worker's pending emits (see `spiders.state.base`)."""
    return f"{PREFIX}pending:{worker}"


def lock_key(worker: str) -> str:
    """A worker's run lock, which is its lease."""
    return f"{PREFIX}lock:{worker}"


def rejudge_claim(url: str) -> str:
    """The claim of the worker that re-judges a page (expires: a dead worker's claim lapses)."""
    return f"{PREFIX}rejudge:{url}"
