"""Articles into SQLite and a real PostgreSQL server (`--to`, `ARTICLES_DB`): upserts by canonical URL with
a version per content hash, the README's queries, resume after a SIGKILL of `scraper clean` and of a crawl
killed mid-batch (nothing lost, no version twice), `scrapy crawl`'s item pipeline, unreachable databases."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

import orjson
import psycopg
import pytest

from scraper.sinks.database import DatabaseSink
from scraper.status import USAGE, WRITE_FAILED
from spiders.jsonl import recover
from spiders.state.sqlite import SQLiteState
from tests.support.commands import FAST, HELD, clean, clean_from, crawl_args, start_clean
from tests.support.fault_site import FaultSite
from tests.support.fifo import Fifo
from tests.support.news_site import NewsSite, Served
from tests.support.pages import article_page
from tests.support.redis_server import free_port
from tests.support.samples import ROOT
from tests.support.waiting import wait_for

# The README's "articles changed since yesterday", per database (checked to be in the README verbatim).
CHANGED_SINCE_YESTERDAY = {
    "sqlite": """SELECT key, title, changed FROM articles
WHERE changed > first_seen AND changed >= datetime('now', '-1 day')
ORDER BY changed DESC;""",
    "postgresql": """SELECT key, title, changed FROM articles
WHERE changed > first_seen AND changed >= now() - interval '1 day'
ORDER BY changed DESC;""",
}


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'articles.db'}"
    return request.getfixturevalue("postgres")


def query(url: str, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if url.startswith("sqlite:"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(sql.replace("%s", "?"), args).fetchall()
    with psycopg.connect(url) as db:
        return db.execute(sql, args).fetchall()


def count(url: str, table: str) -> int:
    return query(url, f"SELECT count(*) FROM {table}")[0][0]


def dialect(url: str) -> str:
    return "sqlite" if url.startswith("sqlite:") else "postgresql"


def write_pages(folder: Path, numbers: range, *, revised: int | None = None) -> None:
    folder.mkdir(exist_ok=True)
    for n in numbers:
        lead = f"Story {n} begins" + (", revised" if n == revised else "")
        page = article_page(f"Story {n}", lead=lead).replace(
            "<head>", f'<head><link rel="canonical" href="https://example.com/story/{n}">'
        )
        (folder / f"{n:03}.html").write_text(page)


def test_the_readme_holds_the_queries() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert all(sql in readme for sql in CHANGED_SINCE_YESTERDAY.values())


def test_clean_upserts_articles_and_keeps_their_versions(tmp_path: Path, database: str) -> None:
    pages = tmp_path / "pages"
    write_pages(pages, range(5))
    assert clean(pages, "--to", database).returncode == 0
    assert (count(database, "articles"), count(database, "article_versions")) == (5, 5)
    before = query(database, "SELECT * FROM articles ORDER BY key")

    again = clean(pages, "--to", database)  # unchanged: nothing is written
    assert again.returncode == 0, again.stderr
    assert query(database, "SELECT * FROM articles ORDER BY key") == before
    assert count(database, "article_versions") == 5
    assert query(database, CHANGED_SINCE_YESTERDAY[dialect(database)]) == []

    write_pages(pages, range(2, 3), revised=2)
    assert clean(pages, "--to", database).returncode == 0

    assert (count(database, "articles"), count(database, "article_versions")) == (5, 6)
    [(key, title, _)] = query(database, CHANGED_SINCE_YESTERDAY[dialect(database)])
    assert (key, title) == ("https://example.com/story/2", "Story 2")
    history = query(
        database,
        "SELECT content_hash, source, article FROM article_versions WHERE key = %s ORDER BY first_seen",
        (key,),
    )
    bodies = [(orjson.loads(a) if isinstance(a, str) else a)["body"] for _, _, a in history]
    assert len(bodies) == 2 and "revised" not in bodies[0] and "revised" in bodies[1]
    assert {source for _, source, _ in history} == {str(pages / "002.html")}
    [(current,)] = query(database, "SELECT content_hash FROM articles WHERE key = %s", (key,))
    assert current == history[1][0]


def test_clean_into_a_database_resumes_after_sigkill(tmp_path: Path, database: str) -> None:
    """The dump is a pipe the test writes, its last record held back: the kill lands mid-run, after at
    least one batch was committed."""
    records = [
        orjson.dumps({"url": f"https://example.com/story/{n}", "html": article_page(f"Story {n}")}) + b"\n"
        for n in range(400)
    ]
    dump = tmp_path / "dump.jsonl"
    fifo = Fifo(dump)
    run = start_clean(dump, "--to", database, "--resume", "-j", "2")
    fifo.open()  # the tables exist from here: the run made them before reading
    fifo.feed_until(records, lambda: count(database, "article_versions") > 0)
    run.send_signal(signal.SIGKILL)
    run.communicate(timeout=30)
    fifo.close()
    assert 0 < count(database, "article_versions") < 400

    status, stderr = clean_from(fifo, b"".join(records), dump, "--to", database, "--resume", "-j", "2")

    assert status == 0, stderr
    assert stderr.startswith("resuming: ")
    sources = Counter(source for (source,) in query(database, "SELECT source FROM article_versions"))
    assert sources == Counter(f"{dump}:{n}" for n in range(1, 401))
    assert count(database, "articles") == 400


def test_a_crawl_killed_mid_batch_resumes_without_loss_or_duplicate_versions(
    tmp_path: Path, database: str
) -> None:
    """Batches of 4, no commit by time: the site serves 10 articles and holds the rest, so 8 are
    committed and 2 wait in the batch when the crawl is killed."""
    site = FaultSite(60, traps=False, samples=False)
    site.hold(after=10)
    state = tmp_path / "state.sqlite"
    batches = ["-s", "ARTICLES_DB_BATCH_ROWS=4", "-s", "ARTICLES_DB_BATCH_SECONDS=3600"]

    def pending() -> int:
        with sqlite3.connect(state) as db:
            return db.execute("SELECT count(*) FROM articles WHERE output IS NOT NULL").fetchone()[0]

    with Served(site):
        command = [sys.executable, "-m", "scraper", "crawl", *crawl_args(site), "--to", database]
        command += ["--state", str(state), *FAST, *batches]
        with subprocess.Popen(
            [*command, *HELD], cwd=tmp_path, start_new_session=True, stderr=subprocess.DEVNULL
        ) as crawl:
            wait_for(lambda: state.exists() and count(database, "articles") == 8 and pending() == 2)
            os.killpg(crawl.pid, signal.SIGKILL)  # the crawler and its extraction workers
        site.release()
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)

    assert done.returncode == 0, done.stderr[-3000:]
    keys = Counter(key for (key,) in query(database, "SELECT key FROM article_versions"))
    assert keys == Counter(site.url(a.path) for a in site.articles.values())  # each once
    assert count(database, "articles") == 60
    assert pending() == 0


def test_recover_confirms_what_a_batch_committed_and_forgets_the_rest(tmp_path: Path, database: str) -> None:
    """A crawl killed between a batch's commit and its confirmation in the state: the committed articles
    are confirmed, one that never reached the database is forgotten (fetched again)."""
    state = SQLiteState(tmp_path / "state.sqlite")
    sink = DatabaseSink(database, batch_seconds=3600)  # nobody hears the commit: the kill came first
    for n in range(3):
        url = f"https://example.com/story/{n}"
        article = {"url": url, "canonical_url": None, "content_hash": f"h{n}"}
        assert state.begin_emit(url, f"h{n}", [url], None, sink.name, 0, 0)
        sink.write(url, orjson.dumps(article))
        if n == 1:
            sink.commit()  # stories 0 and 1; story 2 is lost with the batch
    sink.close()

    with closing(DatabaseSink(database)) as resumed:
        assert recover(state, database=resumed) == (2, 1)
    assert list(state.pending()) == []
    assert not state.should_fetch("https://example.com/story/1", None)
    assert state.should_fetch("https://example.com/story/2", None)


def test_scrapy_crawl_writes_a_database_through_its_item_pipeline(tmp_path: Path, database: str) -> None:
    site = NewsSite(6, traps=False, samples=False)
    scrapy = Path(sys.executable).parent / "scrapy"
    with Served(site):
        command = [str(scrapy), "crawl", "news", "-a", f"sitemap={site.url('/sitemap_index.xml')}"]
        command += ["-s", f"ARTICLES_DB={database}", "-s", f"CRAWL_STATE={tmp_path / 'state.sqlite'}", *FAST]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = query(database, "SELECT key, url, title FROM articles")
    assert sorted(key for key, _, _ in rows) == sorted(site.url(a.path) for a in site.articles.values())
    assert all(url == key and title for key, url, title in rows)


@pytest.mark.parametrize("command", ["clean", "crawl"])
def test_an_unreachable_database_exits_74_without_showing_its_password(tmp_path: Path, command: str) -> None:
    url = f"postgresql://newsclean:secret@127.0.0.1:{free_port()}/articles"  # nothing listens there
    write_pages(tmp_path / "pages", range(1))
    args = [tmp_path / "pages"] if command == "clean" else ["https://example.com/sitemap.xml"]
    result = subprocess.run(
        [sys.executable, "-m", "scraper", command, *map(str, args), "--to", url],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == WRITE_FAILED, result.stderr
    assert "postgresql://newsclean:***@127.0.0.1" in result.stderr
    assert "secret" not in result.stderr and "Traceback" not in result.stderr


def test_a_database_of_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "articles.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE newsclean_schema (version INTEGER NOT NULL)")
        db.execute("INSERT INTO newsclean_schema VALUES (99)")
    write_pages(tmp_path / "pages", range(1))
    result = clean(tmp_path / "pages", "--to", f"sqlite:///{path}")
    assert result.returncode == USAGE
    assert b"schema version 99" in result.stderr and b"Traceback" not in result.stderr
