"""What the board of education reads and files: CSV for Excel, Markdown, readable
Temporal histories. Pure functions from rows to text or bytes; no database, no network."""
