"""Retention of stored mail and per-sender data outside the register (UK GDPR storage limitation).

Every message of the watched mailboxes is stored, and every sender's counters,
traits and fingerprints are kept for the flags; none of it may be kept for ever.
Mail linked to a register case follows the case (``register.deletion``); this
package ages out everything else:

- ``rules``: the pure decision for one message (purge, or kept and why) and the cut-off dates;
- ``guards``: what protects mail right now (register, holds, outbox, held replies, flags);
- ``messages``: the batched, idempotent tombstoning of messages and erasing of raw bytes;
- ``senders``: the batched deletion of old per-sender rows;
- ``run``: one run (or a dry run), its audit row and log line; ``schedule``: the daily job.

A purged message keeps a tombstone row (ids, source, mailbox, folder, source key,
Message-ID, hashes, dates) so ingestion's exactly-once dedupe still recognises
it after a UIDVALIDITY change; everything personal in it is cleared.
"""
