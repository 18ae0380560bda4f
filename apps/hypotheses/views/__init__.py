"""Pages of this app, one module per concept (assumptions, hypotheses and
the ledger, experiments, the learning log, feasibility, release gates)."""
