"""Scrapy settings for the spiders (`scrapy crawl ...` from the project root, and `scraper crawl`).
Every one can be overridden with `-s NAME=VALUE`."""

from scraper import identity

BOT_NAME = "newsclean"
SPIDER_LOADER_CLASS = "spiders.loader.SiteSpiderLoader"  # `news`, and one spider per declared site

# Identify the crawler; set your own contact with -s USER_AGENT=... or scraper crawl --user-agent.
USER_AGENT = identity.USER_AGENT

# Politeness.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0  # parallel requests per site that AutoThrottle aims for
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DEPTH_LIMIT = 5  # sitemap index -> sitemap -> article is 2; section pagination beyond 5 is rarely news

# Robustness: retry 429 and 5xx with backoff (spiders.middlewares), bounded sizes.
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
RETRY_BACKOFF_BASE = 1.0  # seconds; doubled at each retry unless the server sends Retry-After
RETRY_BACKOFF_MAX = 60.0
DOWNLOADER_MIDDLEWARES = {
    "spiders.limit.ArticleLimitMiddleware": 50,  # with CLOSESPIDER_ITEMCOUNT (--limit): no fetching past it
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.middlewares.RobotsTxtMiddleware": 100,
    "spiders.archive.WarcArchive": 950,  # next to the downloader: responses as they came
}
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # pages
DOWNLOAD_WARNSIZE = 0
SITEMAP_MAXSIZE = 50 * 1024 * 1024  # sitemaps and feeds, also after gunzip (the sitemap protocol's limit)

# The pipeline: extraction in a process pool; one page in flight per response (stack notes: the
# default of 100 concurrent items per response costs throughput for nothing here).
ITEM_PIPELINES = {"spiders.articles.ArticlePipeline": 300}
CONCURRENT_ITEMS = 1
# Scrapy re-parses a callback's source on every response to warn about `return value` in generators (its
# cache is keyed by bound methods, which die with each request): about 0.6 ms of CPU a page, for a lint.
WARN_ON_GENERATOR_RETURN_VALUE = False
EXTRACT_WORKERS = 0  # 0: one per core
EXTRACT_TIMEOUT = 60.0  # seconds for one page's extraction; a slower page fails alone (0: no limit)
ARTICLE_BODY = "text"  # the body's format: text, markdown or html (scraper.extract's `body`)
ARTICLE_WITH: list[str] = []  # extras of each record: links, images ("links,images" on the command line)
ARTICLE_LANGUAGES: list[str] = []  # keep only articles in these languages ("en,de"); others are counted
ARTICLES_FILE = None  # crash-safe JSON Lines output (appends; .gz, .zst compressed); "-" for stdout
ARTICLES_DB = None  # or a database: sqlite:///FILE, postgresql://USER@HOST/DB (upserts, in batches)
ARTICLES_DB_BATCH_ROWS = 500  # articles a transaction, at most
ARTICLES_DB_BATCH_SECONDS = 1.0  # an article waits at most about this long for its batch's commit
# The crawl state: an SQLite file or a backend URI; default crawl-state.sqlite in JOBDIR, else here.
CRAWL_STATE = None
CRAWL_SUMMARY = None  # write the summary as JSON here

# Archive-first crawling (spiders.archive): every response, with its request, in WARC files in WARC_DIR.
WARC_DIR = None  # off unless set (scraper crawl --warc DIR)
WARC_MAX_SIZE = 1024**3  # bytes: a file is closed, and the next one opened, past this size
# zlib level of each record: 1 takes 0.16 ms of CPU a 34 KB page of the crawl benchmark, 6 takes 0.44 ms
# for files 10% smaller; warcio's own writer uses 9.
WARC_GZIP_LEVEL = 1
WARC_REVISITS = False  # archive an article page fetched again with the same payload as a revisit record
EXTENSIONS = {"spiders.summary.CrawlSummary": 0, "spiders.progress.CrawlProgress": 0}
# Progress while crawling: on a terminal a line redrawn in place; else a line every so many seconds (0: none).
PROGRESS_INTERVAL = 60.0

# Distributed crawls (spiders.distributed): with REDIS_URL set, the scheduler, duplicate filter and crawl
# state move to Redis and any number of workers share one frontier (`scraper crawl --redis URL`).
ADDONS = {"spiders.distributed.RedisAddon": 0}
REDIS_URL = None  # redis://host:port/db
REDIS_WORKER = None  # this worker's name, unique among live workers; default the host name
REDIS_IDLE_CLOSE = 10.0  # seconds of an empty frontier before a worker exits; 0: wait for seeds forever

# Resume after a kill is carried by the crawl state, not by JOBDIR's request log (see spiders.dupefilter).
DUPEFILTER_CLASS = "spiders.dupefilter.RunDupeFilter"

# JSON Lines feed exports (-o/-O out.jsonl) with orjson.
FEED_EXPORTERS = {
    "jsonlines": "spiders.jsonl.OrjsonLinesExporter",
    "jsonl": "spiders.jsonl.OrjsonLinesExporter",
}
FEED_EXPORT_ENCODING = "utf-8"

# Off: an HTTP endpoint that runs Python (Scrapy 2.19 default) and the telnet console.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

LOG_LEVEL = "INFO"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
