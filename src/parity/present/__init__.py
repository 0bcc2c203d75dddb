"""The shared floor of the front ends: what every page, download and report uses to present
figures (imports no domain)."""
