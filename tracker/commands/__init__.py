"""Commands of `python -m tracker` beyond the ledger's upkeep: the workflow (`problem`, `measure`,
`evidence`, `request-closure`, `approve`, `reject`, `reopen`), and argparse's own words in Chinese."""
