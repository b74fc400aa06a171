"""Fault injection: deterministic, seeded misbehaviour of the ``/3/*`` API."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Faults:
    """What the sandbox should get wrong, and how often.

    Rates are shares of requests (0.0-1.0) drawn from a seeded generator, so a test run is
    repeatable. ``crash_after_create`` counts down: each of the next N successful POST creates
    is committed, but its caller gets no answer. ``injected`` counts the faults dealt, by
    kind (``timeout``, ``error``, ``rate_limit``, ``crash``).
    """

    latency: float = 0.0
    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    timeout_rate: float = 0.0
    crash_after_create: int = 0
    timeout_seconds: float = 1.0
    seed: int = 0
    injected: Counter = field(default_factory=Counter, repr=False)
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def reseed(self, seed: int) -> None:
        """Restart the random sequence from ``seed``."""
        self.seed = seed
        self._random = random.Random(seed)

    def reset(self) -> None:
        """Turn every fault off."""
        self.latency = self.error_rate = self.rate_limit_rate = self.timeout_rate = 0.0
        self.crash_after_create = 0

    def roll(self) -> str | None:
        """``"timeout"``, ``"error"``, ``"rate_limit"`` or None for one request."""
        if not (self.timeout_rate or self.error_rate or self.rate_limit_rate):
            return None
        draw = self._random.random()
        for name, rate in (
            ("timeout", self.timeout_rate),
            ("error", self.error_rate),
            ("rate_limit", self.rate_limit_rate),
        ):
            if draw < rate:
                self.injected[name] += 1
                return name
            draw -= rate
        return None

    def take_crash(self) -> bool:
        """Whether this successful create loses its answer (and count it)."""
        if self.crash_after_create > 0:
            self.crash_after_create -= 1
            self.injected["crash"] += 1
            return True
        return False
