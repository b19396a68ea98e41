"""The Excel side: naming, sheet layout, template building, reading and writing of annual-report workbooks."""
