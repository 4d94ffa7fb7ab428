"""The HTTP extraction service of `scraper serve`: the app (`app.py`), what guards it (`guard.py`,
`fetch.py`, `addresses.py`), what it counts (`metrics.py`) and how it runs on uvicorn (`server.py`)."""
