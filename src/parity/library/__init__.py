"""The best-practice library: force news stories, case studies and reports.

Articles come in as Markdown with YAML front matter or as saved HTML pages (`importer`), are
tagged with their force and themes by readable rules (`tagging`, ``themes.yaml``) that people
can correct by hand, are searchable with ranked, highlighted results on SQLite (FTS5) and
PostgreSQL (tsvector) alike (`search`), and have the workforce figures they quote checked
against the official data (`claims`). Other domains and front ends call `service` only.
"""
