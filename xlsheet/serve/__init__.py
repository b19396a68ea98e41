"""``xlsheet serve``: the intranet web service for clerks (check a workbook, get the DOCX) and the county office
(roster, dashboard, roll-up).  A thin layer over :mod:`xlsheet.jobs`; needs the ``serve`` extra
(``pip install ".[serve]"`` in the checkout).  Entry point: :func:`xlsheet.serve.app.create_app`."""
