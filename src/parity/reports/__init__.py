"""The annual report "Gender Equality in UK Policing" (HTML and PDF), and the charts and
number formats shared with the web pages.

- `parity.reports.service`: `build_report` (the HTML) and `write_report` (files on disk);
- `parity.workforce.report`: the national and per-force figures (also the web's force page);
- `parity.present.charts` and `parity.workforce.charts`: inline SVG line and bar charts;
- `parity.present.format`: percentages, points and counts as people read them;
- `parity.reports.sections`: other domains' sections (``parity/<domain>/report.py``);
- `parity.reports.pdf`: HTML to PDF (WeasyPrint).
"""
