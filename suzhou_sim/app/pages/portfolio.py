"""The portfolio page: the cheapest plan for the chosen targets and the front of plans
(drawn by ``app.portfolio_view``), on the current settings' posterior.

Must not: compute or cache (the runs come from ``app.compute``).
"""

from __future__ import annotations

if __name__ == "__main__":  # st.navigation runs this file as the page (see app.py)
    from suzhou_sim.app.compute import cached_posterior
    from suzhou_sim.app.frame import show_page
    from suzhou_sim.app.portfolio_view import view_portfolio

    show_page(lambda state, lang, outcome, current, draws, seed, stamp: view_portfolio(
        state, lang, current, outcome.result, draws, seed,
        cached_posterior(current.region, stamp)))
