"""One spider per site, each a few lines: a subclass of `NewsSpider` with its `Site`. The module name is
free; the spider's name is the site's name (`scrapy crawl arabnews`, `scraper crawl arabnews`).

Start URLs marked "platform default" follow the site's CMS convention and were not seen on the live site;
the feeds the sample pages themselves link to, and the article URL patterns, are the sites' own."""
