"""The full-text index of each engine, as SQL: shared by the library's migration and by
`parity.store.migrate`'s building of a blank database from the models (through `after_create`
events on the articles table, see `parity.library.models`).

SQLite: the FTS5 table ``library_fts`` (external content on ``library_articles``; porter
stemming) and three triggers that keep it in step. PostgreSQL: a trigger filling the
``search_vector`` column (title weight A, description B, text C), kept in the row.
"""

SQLITE_FTS = [
    """CREATE VIRTUAL TABLE library_fts USING fts5(
        title, description, text,
        content='library_articles', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER library_fts_after_insert AFTER INSERT ON library_articles BEGIN
        INSERT INTO library_fts(rowid, title, description, text)
        VALUES (new.id, new.title, new.description, new.text);
    END""",
    """CREATE TRIGGER library_fts_after_delete AFTER DELETE ON library_articles BEGIN
        INSERT INTO library_fts(library_fts, rowid, title, description, text)
        VALUES ('delete', old.id, old.title, old.description, old.text);
    END""",
    """CREATE TRIGGER library_fts_after_update AFTER UPDATE OF title, description, text
        ON library_articles BEGIN
        INSERT INTO library_fts(library_fts, rowid, title, description, text)
        VALUES ('delete', old.id, old.title, old.description, old.text);
        INSERT INTO library_fts(rowid, title, description, text)
        VALUES (new.id, new.title, new.description, new.text);
    END""",
]

POSTGRES_FTS = [
    """CREATE FUNCTION library_articles_search_vector() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(NEW.description, '')), 'B') ||
            setweight(to_tsvector('english', coalesce(NEW.text, '')), 'C');
        RETURN NEW;
    END
    $$""",
    """CREATE TRIGGER library_articles_search_vector
    BEFORE INSERT OR UPDATE OF title, description, text ON library_articles
    FOR EACH ROW EXECUTE FUNCTION library_articles_search_vector()""",
    # Keep the tsvector in the row (compressed) and move the long texts out instead: ranking
    # reads every matching tsvector, and fetching each from the TOAST table doubled the time
    # of a search for a common word (docs/decisions/0600).
    "ALTER TABLE library_articles ALTER COLUMN search_vector SET STORAGE MAIN",
]
