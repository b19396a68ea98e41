Attribute VB_Name = "xlsheet_macros"
' xlsheet: the three actions of the annual-report workbook (validate, generate report, clear marks).
' Needs xlwings' RunPython: the standalone module xlwings.bas in the same workbook, or the xlwings add-in
' (Tools > References > xlwings).  The Python commands must match xlsheet/excel/build.py (COMMANDS); a test
' checks that they do.
' This file is ASCII-only with CRLF line endings, so that the VBA editor of a Chinese Windows imports it
' unchanged: every Chinese text the clerk sees comes from Python.  (If a Chinese string is ever needed here,
' build it with ChrW, e.g. ChrW(&H6821) & ChrW(&H9A8C) for the two characters of "validate" in Chinese.)

Sub XlsheetValidate()
    RunPython "import xlsheet.excel as x; x.validate()"
End Sub

Sub XlsheetGenerateReport()
    RunPython "import xlsheet.excel as x; x.generate_report()"
End Sub

Sub XlsheetClearMarks()
    RunPython "import xlsheet.excel as x; x.clear_marks()"
End Sub

' Ribbon callbacks (customUI14.xml: onAction="Ribbon_Validate" etc.)
Sub Ribbon_Validate(control As IRibbonControl)
    XlsheetValidate
End Sub

Sub Ribbon_GenerateReport(control As IRibbonControl)
    XlsheetGenerateReport
End Sub

Sub Ribbon_ClearMarks(control As IRibbonControl)
    XlsheetClearMarks
End Sub
