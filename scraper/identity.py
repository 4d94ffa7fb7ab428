"""How newsclean names itself to web servers: one User-Agent for crawls (`spiders.settings`) and one-off
fetches (`scraper fetch`); users set their own, with a contact, with `--user-agent`."""

USER_AGENT = "newsclean/0.1 (news article crawler)"
