Attribute VB_Name = "xlsheet_macros"
' xlsheet: 校验 / 生成报告 / 清除标记 for the annual-report workbook.
' Needs xlwings' RunPython: the standalone module xlwings.bas in the same workbook, or the xlwings add-in
' (Tools > References > xlwings).  The Python commands must match xlsheet/excel_build.py (COMMANDS); a test
' checks that they do.

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
