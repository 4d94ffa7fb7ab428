from spiders.news import NewsSpider
from spiders.site import Site


class DevdiscourseSpider(NewsSpider):
    site = Site(
        "devdiscourse",
        start=(
            "https://www.devdiscourse.com/",  # front page: latest and trending stories
            "https://www.devdiscourse.com/sitemap.xml",  # platform default
        ),
        article=(r"^/article/[\w-]+/\d+-[\w-]+$",),  # /article/{label}/{NewsId}-{slug}
        domains=("devdiscourse.com",),
    )
