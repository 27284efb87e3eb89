"""The ensemble kernel: the floor every ensemble of the compiled model is run through.

Lives here: the compiled model (``compiled``), the layering of a scenario's inputs and the
common random numbers (``inputs``), chunked runs and several plans on the same draws
(``runs``), the joined results (``results``) and Dask batches (``cluster``). Calibration,
every study and the app call these; nothing else builds ensemble inputs or calls the engine
for an ensemble. The draws limit they enforce is :mod:`suzhou_sim.limits`.

Must not live here: storing or loading posteriors (``calibration``), target scoring, series
tables, wording or file output. This package imports only ``engine``, ``catalogues`` and the
bottom floor (``errors``, ``paths``, ``limits``), never ``calibration``, ``studies``,
``reporting``, ``cli`` or ``app``.
"""
