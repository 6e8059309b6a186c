"""The anonymous municipal reports: counts only, small counts suppressed,
stored and counted again at night.

* ``reports.periods``: the months, quarters and years a report may cover;
* ``reports.scope``: whose cases a report counts, and who reads which
  municipality;
* ``reports.counting``: what is counted and how (``count_report``), and the
  report as it may be shown (``build_report``, ``municipal_report``);
* ``reports.suppression``: small-count suppression over nested periods;
* ``reports.report``: the shown report (``Report``, ``Table``, ``Cell``);
* ``reports.stored``: the stored figures (``ReportFigures``) the pages read,
  and the nightly count (``refresh_report_figures``);
* ``reports.tasks``: the nightly task (``manage.py refresh_reports``);
* ``reports.csv_export``: ``csv_writer``, the only way Naast writes CSV.

``reports`` uses ``cases``, ``roles`` and ``accounts``; none of them imports
it. The table is still ``cases_reportfigures`` (the model moved out of
``cases`` without touching the database; ``reports/migrations/0001_initial.py``).
"""
