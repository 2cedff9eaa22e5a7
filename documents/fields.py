"""A full-text search column that exists on every database: `tsvector` on PostgreSQL (kept
by documents.tasks and queried with `@@`), plain text elsewhere, where it stays empty and
the search falls back to matching the words (documents.selectors.search)."""

from django.contrib.postgres.search import SearchVectorField


class PortableSearchVectorField(SearchVectorField):
    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"
