"""Shared machinery: what editors do to any row of people/ or press/ (publication, versions, audit, natural
keys, checked images, the admin's base classes, page cache, SEO, social cards, sitemap, story loader).

Imports neither people/ nor press/ (import-linter checks it in `make lint`)."""
