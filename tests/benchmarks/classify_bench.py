"""Classification throughput on one core, and its cost relative to parsing.

Run: ``python tests/benchmarks/classify_bench.py [--messages N] [--rounds R]``.
A plain script, not a test: timings are printed, never asserted.

The messages are built from the committed council examples with realistic
padding (greeting, signature, a quoted reply tail, every fifth an HTML
alternative and a small attachment), so parsing and classification see the
same bytes. Parsing means ``email.message_from_bytes(raw, policy=default)``
plus extracting the plain-text body, as the daemon must before classifying.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import os
import statistics
import time
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from typing import Any

# Pin every BLAS/OpenMP pool to one thread before numpy is first imported (by
# mailrouter.classify below), hence the late imports.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from mailrouter.classify import Classifier, MessageText  # noqa: E402
from mailrouter.classify.evaluate import load_examples  # noqa: E402
from mailrouter.classify.paths import MODELS_DIR, PROJECT_ROOT  # noqa: E402

BATCH = 100
SIGNATURE = "\n\nKind regards,\nA. Resident\n12 Example Road\nTel 01234 567890\n"
QUOTE = (
    "\n\nOn Mon, 3 Jun 2024 at 09:12, Customer Services <cs@example.gov.uk> wrote:\n"
    + "> Thank you for contacting the council. We aim to reply within 10 working days.\n" * 6
)


def build_messages(count: int) -> list[bytes]:
    examples = load_examples(PROJECT_ROOT / "tests/data/council/train.jsonl")
    raws = []
    for index in range(count):
        example = examples[index % len(examples)]
        message = EmailMessage()
        message["From"] = example.message.sender or "resident@example.org"
        message["To"] = "intake@example.gov.uk"
        message["Subject"] = example.message.subject
        message["Message-ID"] = f"<bench-{index}@example.org>"
        body = f"Dear Sir or Madam,\n\n{example.message.body}{SIGNATURE}"
        if index % 3 == 0:
            body += QUOTE
        message.set_content(body)
        if index % 5 == 0:
            message.add_alternative(f"<html><body><p>{body}</p></body></html>", subtype="html")
            message.add_attachment(
                b"%PDF-1.4\n" + b"0" * 20_000, "application", "pdf", filename="letter.pdf"
            )
        raws.append(message.as_bytes())
    return raws


def parse(raw: bytes) -> MessageText:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    part = message.get_body(preferencelist=("plain", "html"))
    body = part.get_content() if part is not None else ""
    return MessageText(str(message.get("From", "")), str(message.get("Subject", "")), body)


def timed(function: Callable[[Any], object], items: Sequence[Any]) -> float:
    started = time.perf_counter()
    for item in items:
        function(item)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    classifier = Classifier.load(MODELS_DIR)
    raws = build_messages(args.messages)
    texts = [parse(raw) for raw in raws]
    megabytes = sum(map(len, raws)) / 1e6
    batches = [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]
    times: dict[str, list[float]] = {"parse": [], "one": [], "batch": []}
    for _ in range(args.rounds):
        times["parse"].append(timed(parse, list(raws)))
        times["one"].append(timed(classifier.classify, list(texts)))
        times["batch"].append(timed(classifier.classify_many, list(batches)))
    parse_s, one_s, batch_s = (statistics.median(times[key]) for key in ("parse", "one", "batch"))
    count = len(raws)
    print(f"{count} messages, {megabytes:.1f} MB, one core, median of {args.rounds} rounds")
    print(f"parse (policy.default + body):      {count / parse_s:8.0f} msgs/s")
    print(f"classify, one message per call:     {count / one_s:8.0f} msgs/s")
    print(f"classify, {BATCH} messages per call:    {count / batch_s:8.0f} msgs/s")
    print(f"classification costs {one_s / parse_s:.2f}x parsing the same messages one by one,")
    print(f"and {batch_s / parse_s:.2f}x in batches of {BATCH}")


if __name__ == "__main__":
    main()
