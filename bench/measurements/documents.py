"""Issue 7: the document library page and search, at the demo's size and then with 10,000
documents in the library (targets on PostgreSQL: median under 100 ms for the page, under
200 ms for search)."""

from bench.registry import page

page("document library", "/n/kyrgyzstan/documents/")
page("document search", "/n/kyrgyzstan/documents/?q=labour+migration")
