"""The SPOC daily digest and the IG daily summary.

- ``queries`` reads the database into plain rows (``model``);
- ``collect`` turns rows into a digest or summary: pure, no database, no clock;
- ``render`` turns those into HTML and plain text (Jinja, autoescaped);
- ``compose`` makes the multipart/alternative message with a deterministic Message-ID;
- ``send`` records each digest once per recipient per local day with its outbox row;
- ``performer`` sends those outbox rows; ``schedule`` runs ``send`` daily.
"""
