"""The annual reporting cycle: each force's return for a year, checked, signed off, published."""
