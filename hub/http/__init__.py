"""The hub's own HTTP endpoints (thin: parse, call the domain or store, answer)."""
