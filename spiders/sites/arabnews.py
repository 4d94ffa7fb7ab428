from spiders.news import NewsSpider
from spiders.site import Site


class ArabNewsSpider(NewsSpider):
    site = Site(
        "arabnews",
        start=(
            "https://www.arabnews.com/rss.xml",
            "https://www.arabnews.com/sitemap.xml",  # platform default (Drupal 7 XML sitemap)
        ),
        article=(r"^/node/\d+(?:/[\w-]+)?/?$",),  # /node/{nid}/{section}
        domains=("arabnews.com",),
    )
