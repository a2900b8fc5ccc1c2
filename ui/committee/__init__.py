"""The committee's end of the monthly report in the GUI: collect branch reports, the 汇总 page, the
branch list. Widgets only; every figure and check comes from `tracker.exchange`."""
