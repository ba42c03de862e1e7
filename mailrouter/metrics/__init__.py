"""Per-sender contact metrics and the flag queue (DOMAIN.md, "Metrics and the flag queue").

``record`` keeps day counters up to date as mail is routed (upserts, O(1) per
message); ``snapshot`` reads them back as plain values; ``flags`` and
``anomaly`` turn a snapshot into flags without I/O; ``queue`` stores flags for
IG, who alone decide what happens next: nothing here escalates anyone.
"""
