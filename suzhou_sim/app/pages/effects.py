"""The "what each lever buys" page: the effects table of the current settings, one target
at a time (drawn by ``app.effects_view``, which the scoreboard's attribution shares).

Must not: compute or cache (the effects come from ``app.compute`` through the view).
"""

from __future__ import annotations

if __name__ == "__main__":  # st.navigation runs this file as the page (see app.py)
    from suzhou_sim.app.effects_view import view_effects
    from suzhou_sim.app.frame import show_page

    show_page(lambda _state, lang, _outcome, current, _draws, seed, stamp: view_effects(
        lang, current, seed, stamp))
