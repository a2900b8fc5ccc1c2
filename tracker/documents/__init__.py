"""The documents a branch writes each round besides the ledger: the 三张清单 workbook and the Word
整改情况报告. Their numbers come from the same code as the monthly report's."""
