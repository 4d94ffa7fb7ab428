from spiders.news import NewsSpider
from spiders.site import Site


class Naija247newsSpider(NewsSpider):
    site = Site(
        "naija247news",
        start=(
            "https://www.naija247news.com/feed/",
            "https://www.naija247news.com/wp-sitemap.xml",  # platform default (WordPress core)
        ),
        article=(r"^/\d{4}/\d{2}/\d{2}/[\w-]+/?$",),  # /YYYY/MM/DD/slug/
        domains=("naija247news.com",),
    )
