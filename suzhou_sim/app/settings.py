"""The app's settings as one frozen value: :class:`Settings`, its key, and the URL.

A :class:`Settings` holds everything a planner set (region, language, view, the picked
scenario, every lever of every plan period, every assumption, draws and seed, and the
scenarios saved in this session that the URL carries). Its :attr:`Settings.key` is equal
for equal settings, whatever the order they were given in (the URL's parameters, the
session's keys), and survives the round trip through the URL: ``Settings.from_query(
s.to_query())[0].key == s.key``. :meth:`Settings.from_query` and :meth:`Settings.to_query`
are the one place the app parses and writes its URL (through ``app.state``'s
``apply_query`` and ``query_from_state``, which know each parameter).

Must not: import Streamlit, run the model or cache anything (``app.compute`` caches).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from ..catalogues.scenarios import PERIODS, frozen_dump, load_assumptions, load_levers
from . import state as S

__all__ = ["Settings"]

#: The parts of a saved scenario the URL carries (its ``saved`` record): what its runs use.
_SAVED_FIELDS = {"region", "draws", "seed", "levers", "assumptions"}


@dataclass(frozen=True)
class Settings:
    """What the planner set, as one immutable value.

    Attributes
    ----------
    region, lang, pick : str
        The region, the interface language and the scenario picker's value.
    view : str or None
        The view shown (None before one is chosen).
    draws, seed : int
        Ensemble size and seed.
    levers : tuple of (lever, period, value)
        Every lever of every plan period, sorted.
    assumptions : tuple of (assumption, default, low, high)
        Every assumption as its widgets set it (default moved into the range), sorted.
    base : str
        The YAML text of the scenario the widgets were loaded from (kept in the session;
        not part of :attr:`key`, which the picked scenario's name decides).
    saved : tuple of (title, YAML text)
        The scenarios saved in this session (the URL carries them), sorted by title.
    saved_ids : tuple of (title, id)
        Their stable ids, sorted by title.
    """

    region: str
    lang: str
    pick: str
    view: str | None
    draws: int
    seed: int
    levers: tuple[tuple[str, str, float], ...]
    assumptions: tuple[tuple[str, float, float, float], ...]
    base: str
    saved: tuple[tuple[str, str], ...] = ()
    saved_ids: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> Hashable:
        """A hashable key, equal for equal settings and stable across the URL round trip
        (a saved scenario counts by its title, id and the settings its record carries, not
        by the text it is kept as)."""
        saved = tuple((title, dict(self.saved_ids).get(title),
                       frozen_dump(S.scenario_from_yaml(text, f"saved scenario {title}")
                               .model_dump(include=_SAVED_FIELDS, exclude_none=True)))
                      for title, text in self.saved)
        return (self.region, self.lang, self.pick, self.view, self.draws, self.seed,
                self.levers, self.assumptions, saved)

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Settings:
        """The settings the session state (or a dict shaped like it) holds.

        Parameters
        ----------
        state : mapping
            Keys of ``app.state`` (``K_REGION``, ``K_PICK``, the lever and assumption
            widgets, ...), as :func:`~suzhou_sim.app.state.load_into_state` sets them.
        """
        levers = tuple(sorted(
            (key, period, S.snapped_lever(key, state[S.lever_widget_key(key, period)]))
            for key in load_levers() for period in PERIODS))
        assumptions = tuple(sorted((key, *S.assumption_setting(state, key))
                                   for key in load_assumptions()))
        view = state.get(S.K_VIEW)
        return cls(region=state[S.K_REGION], lang=state.get(S.K_LANG, "zh"),
                   pick=state[S.K_PICK], view=None if view is None else str(view),
                   draws=int(state[S.K_DRAWS]), seed=int(state[S.K_SEED]), levers=levers,
                   assumptions=assumptions, base=state[S.K_BASE],
                   saved=tuple(sorted((state.get(S.K_SAVED) or {}).items())),
                   saved_ids=tuple(sorted((state.get(S.K_SAVED_IDS) or {}).items())))

    def into_state(self, state: MutableMapping[str, Any]) -> None:
        """Set the session's widgets and values to these settings."""
        state[S.K_REGION] = state[S.K_PREV_REGION] = self.region
        state[S.K_LANG], state[S.K_PICK], state[S.K_BASE] = self.lang, self.pick, self.base
        if self.view is not None:
            state[S.K_VIEW] = self.view
        state[S.K_DRAWS], state[S.K_SEED] = self.draws, self.seed
        for key, period, value in self.levers:
            state[S.lever_widget_key(key, period)] = value
        for key, default, low, high in self.assumptions:
            state[S.assumption_range_key(key)] = (low, high)
            state[S.assumption_default_key(key)] = default
        if self.saved or S.K_SAVED in state:
            state[S.K_SAVED] = dict(self.saved)
            state[S.K_SAVED_IDS] = dict(self.saved_ids)

    def _as_state(self) -> dict[str, Any]:
        state: dict[str, Any] = {}
        self.into_state(state)
        return state

    def to_query(self) -> dict[str, str | list[str]]:
        """The URL query parameters that reproduce these settings: region, scenario,
        language, view, and every setting that differs from the picked scenario (see
        :func:`~suzhou_sim.app.state.query_from_state`)."""
        return S.query_from_state(self._as_state())

    @classmethod
    def from_query(cls, params: Mapping[str, str | list[str]], views: tuple[str, ...] = (),
                   lang: str = "zh", view: str | None = None) -> tuple[Settings, list[str]]:
        """The settings of URL query parameters, and one line per parameter that could not
        be used (unknown, invalid; see :func:`~suzhou_sim.app.state.apply_query`).

        Parameters
        ----------
        params : mapping
            Parameter -> value (or list of values, the last one counting).
        views : tuple of str
            The views a ``view`` parameter may name.
        lang, view : str
            The language and view when the URL names none.
        """
        state: dict[str, Any] = {S.K_LANG: lang}
        if view is not None:
            state[S.K_VIEW] = view
        problems = S.apply_query(params, state, views)
        return cls.from_state(state), problems
