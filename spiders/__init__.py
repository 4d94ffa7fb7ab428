"""Scrapy spiders and their plumbing: `news` (the generic spider, which a declared site's spider is
with the site built in: `spiders.loader`); the item pipeline hands pages to `scraper.extract` (see
`spiders.articles`); the crawl state and its run lock are in `spiders.state`."""
