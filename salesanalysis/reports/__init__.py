"""Reports (step 4 of the method): the numbers of the monthly review and the data-quality
report, their tables and charts, the team's workbooks, and rendering the report notebooks.

Metrics read the store and return frames: :mod:`.kpis` (headline KPIs), :mod:`.pipeline`
(open pipeline, stage funnel), :mod:`.performance` (by rep, industry, team), :mod:`.forecast`
(win probability of open deals), :mod:`.grade_review` (grades at month end),
:mod:`.completeness` (blank and vague entries) and :mod:`.quality` (rejects, duplicates,
stale customers); :mod:`.review` holds the review's scope line. Display: :mod:`.tables`,
:mod:`.charts`, :mod:`.grading_charts` and :mod:`.workbooks`, every number written by
:mod:`salesanalysis.formatting`. Running: :mod:`.paths` (the shipped notebooks),
:mod:`.parameters`, :mod:`.runner` and :mod:`.index`. Display modules import metrics,
never the other way round.
"""
