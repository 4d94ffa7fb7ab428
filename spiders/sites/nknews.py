from spiders.news import NewsSpider
from spiders.site import Site


class NKNewsSpider(NewsSpider):
    site = Site(
        "nknews",
        start=(
            "https://www.nknews.org/feed/",
            "https://www.nknews.org/wp-sitemap.xml",  # platform default (WordPress core)
        ),
        article=(r"^/\d{4}/\d{2}/[\w-]+/?$",),  # /YYYY/MM/slug/ (NK Pro under /pro/ is paywalled)
        domains=("nknews.org",),
    )
