"""Signal receivers of the clocks app (filled in with the clock ledger)."""
