"""Scrapy spiders and their plumbing: `news` (the generic spider) and one spider per site in
`spiders.sites`; the item pipeline hands pages to `scraper.extract` (see `spiders.articles`)."""
