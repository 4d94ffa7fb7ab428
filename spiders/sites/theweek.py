from spiders.news import NewsSpider
from spiders.site import Site


class TheWeekSpider(NewsSpider):
    site = Site(
        "theweek",
        start=(
            "https://theweek.com/feeds/all",  # platform default (Future's Vanilla feeds)
            "https://theweek.com/sitemap-news.xml",  # platform default (Google News sitemap)
        ),
        article=(r"^/[a-z-]+/[a-z0-9]+(?:-[a-z0-9]+)+$",),  # /{section}/{slug}
        domains=("theweek.com",),
    )
