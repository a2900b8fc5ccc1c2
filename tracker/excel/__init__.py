"""Excel files in and out of the ledger: the official 整改台账 export, the 月报, and the import.

Nothing here imports Qt: the GUI runs these functions in a worker thread with a progress callback.
Out: `styles` (every font, border, fill and page setting, defined once), `writer` (streaming
sheets, merged ranges, safe text, writing to a temporary file and renaming), `rows` (problems
with their measures, fetched in chunks), `export`, `report` with `report_figures` and
`report_sheets`, `verify_report`, `export_cli`. In: `reader`, `headers`, `cells`, `parse`, `plan`,
`importer`, `import_cli`.
"""
