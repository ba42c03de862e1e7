"""How rule scores and model probabilities become hits: explicit, one rule a line.

For every label, in order:

1. Rules: a rule score of at least ``rule_threshold`` is a hit (``<label>-rules``,
   or the statutory detectors' own names), with the matched phrases as evidence.
2. Council model: the one-vs-rest model trained on council-style mail is a
   recall net; its probability at or above the label's ``council_thresholds``
   entry is a hit (``<label>-council-model``) even with no phrase matched.
   Its evidence is whatever weak cues did match, else the whole unquoted body.
   If nothing statutory was found, the likeliest statutory label at
   ``statutory_net`` or above is flagged too (``statutory-council-model``).
3. Public models (threat, abuse only): trained mostly on social media, where
   "kill" is usually aimed at a person; in council mail it is usually aimed at
   weeds. So their probability counts only with at least one cue of the label
   scoring ``public_gate`` (a violent word aimed at someone, a weapon, a slur).

Abuse is not a threat. Both models learnt that swearing at officers often comes
with threats, so when a message reads as abuse (``rival``: the abuse rules or
the council model's abuse probability at ``rival_gate`` or above) and no threat
cue reaches ``public_gate``, a model alone needs ``rival_threshold`` to call it
a threat. A bystander's message (``bystander``: a welfare concern, or the
writer reporting what someone else said) is often full of harm words aimed at
nobody at the council ("he's confused and doesn't know where he lives"; "he
said he'd burn the offices down"), or an apology for earlier words: from
``bystander_gate`` up, only a cue of at least ``strong_cue``
or a council-model probability of ``bystander_threshold`` makes a threat.
FOI and EIR are alternatives: the council model adds one to a
request the rules already called the other only at ``alternative_threshold``.

Thresholds were chosen on the council dev set and on held-out set 1 (which is
development data since it was first read), never on held-out set 2; set 2 has
since been read too (its misses studied, the thresholds checked and left as they
were), so both are development data now. ``strong_cue`` and ``bystander_gate``
were set on the council dev set and held-out set 3 after its one blind run, so
set 3 is development data too.

Since set 4, thresholds are chosen on leave-one-set-out figures (``crossval``:
models trained without a set, that set scored), looking at the worst fold and
not one set: a ``rival_threshold`` of 0.9 suppressed true threats that came
with abuse ("next warden I see gets his machine shoved down his throat, scum"),
so it is now 0.7, and a blanked benign idiom counts as a rival too (a model
trained on more threats reads "I'd kill for a bus" as menace). The bystander gate
has its own ``bystander_threshold``, 0.8 (reported speech and despair are where
the models' threat scores mislead most). Leave-one-set-out, worst fold: threat
recall 0.835 -> 0.907, mean precision 0.937 -> 0.924.
Since set 5 (five folds), ``statutory_net`` is 0.2, not 0.35: fresh-set statutory
recall had stayed at 0.95-0.96 while precision sat well above its 0.8 target, and
a miss costs more than a false alarm. Chosen on the worst fold with the rules as
they were before set 5's misses were read: 0.35 gave worst recall 0.958 at worst
precision 0.918, 0.25 gave 0.973 / 0.886, 0.2 gave 0.981 / 0.851 (0.15: 0.981 /
0.803, no more recall). A separate any-statutory head on the same features ranked
worse than the likeliest of the four labels (0.2: 0.973 / 0.821), and a smaller C
worse again, so neither is used. The price is per label: the net names the
likeliest label, so FOI and EIR precision fall most (mean 0.84 -> 0.80, 0.86 -> 0.79).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from mailrouter.classify.cues import CueMatch, confidence, hit_from
from mailrouter.classify.labels import STATUTORY, Hit, Label
from mailrouter.classify.text import Span

_COUNCIL_THRESHOLDS = MappingProxyType(
    {
        Label.FOI: 0.5,
        Label.EIR: 0.5,
        Label.SAR: 0.5,
        Label.COMPLAINT: 0.45,
        Label.THREAT: 0.55,
        Label.WELFARE: 0.45,
        Label.ABUSE: 0.5,
    }
)

_PUBLIC_THRESHOLDS = MappingProxyType({Label.THREAT: 0.7, Label.ABUSE: 0.8})
_ALTERNATIVE = MappingProxyType({Label.FOI: Label.EIR, Label.EIR: Label.FOI})


@dataclass(frozen=True, slots=True)
class DecisionPolicy:
    rule_threshold: float = 0.5
    council_thresholds: Mapping[Label, float] = field(default_factory=lambda: _COUNCIL_THRESHOLDS)
    public_thresholds: Mapping[Label, float] = field(default_factory=lambda: _PUBLIC_THRESHOLDS)
    public_gate: float = 0.3
    # Any statutory label at this council-model probability is flagged, as the
    # likeliest label: a missed request is expensive, a false alarm cheap.
    statutory_net: float = 0.2
    alternative_threshold: float = 0.9
    rival_gate: float = 0.5
    rival_threshold: float = 0.7
    bystander_threshold: float = 0.8
    strong_cue: float = 0.7
    # A message is a bystander's from this score (welfare rules or council model) up.
    bystander_gate: float = 0.6


DEFAULT_POLICY = DecisionPolicy()


@dataclass(frozen=True, slots=True)
class Signals:
    """What the models said about one message; a model that is not loaded says nothing."""

    council: Mapping[Label, float] = field(default_factory=dict)
    public: Mapping[Label, float] = field(default_factory=dict)


def _model_hit(
    label: Label,
    score: float,
    detector: str,
    matches: Sequence[CueMatch],
    fallback: tuple[Span, ...],
) -> Hit:
    cued = hit_from(label, detector, matches, threshold=0.0)
    evidence = cued.evidence if cued is not None else fallback
    return Hit(label, round(score, 4), detector, evidence)


def decide(
    label: Label,
    matches: Sequence[CueMatch],
    signals: Signals,
    fallback: tuple[Span, ...],
    *,
    policy: DecisionPolicy = DEFAULT_POLICY,
    rival: float = 0.0,
    bystander: float = 0.0,
) -> Hit | None:
    """Rules, then the council model, then the gated public model, for one safety label.

    ``rival`` is how strongly the message reads as a label the models confuse with
    this one (abuse, for threats); see the module docstring."""
    if (
        bystander >= policy.bystander_gate
        and max((match.cue.weight for match in matches), default=0.0) < policy.strong_cue
    ):
        council = signals.council.get(label, 0.0)
        if council >= policy.bystander_threshold:
            return _model_hit(label, council, f"{label.value}-council-model", matches, fallback)
        return None
    rules = hit_from(label, f"{label.value}-rules", matches, policy.rule_threshold)
    if rules is not None:
        return rules
    cued = confidence(matches) >= policy.public_gate
    shadowed = rival >= policy.rival_gate and not cued
    council = signals.council.get(label, 0.0)
    threshold = policy.council_thresholds.get(label, 1.1)
    if council >= (max(threshold, policy.rival_threshold) if shadowed else threshold):
        return _model_hit(label, council, f"{label.value}-council-model", matches, fallback)
    public = signals.public.get(label, 0.0)
    threshold = policy.public_thresholds.get(label, 1.1)
    if public >= threshold and cued:
        return _model_hit(label, public, f"{label.value}-public-model", matches, fallback)
    return None


def recall_net(
    hits: Sequence[Hit],
    labels: Sequence[Label],
    signals: Signals,
    fallback: tuple[Span, ...],
    policy: DecisionPolicy = DEFAULT_POLICY,
) -> list[Hit]:
    """Council-model hits for ``labels`` the rule detectors did not already find."""
    found = {hit.label for hit in hits}
    extra = []
    for label in labels:
        score = signals.council.get(label, 0.0)
        threshold = policy.council_thresholds.get(label, 1.1)
        if _ALTERNATIVE.get(label) in found:
            # A request the rules called EIR is rarely FOI as well (and vice versa).
            threshold = max(threshold, policy.alternative_threshold)
        if label not in found and score >= threshold:
            extra.append(Hit(label, round(score, 4), f"{label.value}-council-model", fallback))
    statutory = {label: signals.council.get(label, 0.0) for label in sorted(STATUTORY)}
    if signals.council and not (found | {hit.label for hit in extra}) & STATUTORY:
        likeliest = max(statutory, key=lambda label: statutory[label])
        score = statutory[likeliest]
        if score >= policy.statutory_net:
            extra.append(Hit(likeliest, round(score, 4), "statutory-council-model", fallback))
    return extra
