"""Official workforce tables (Home Office open data): import and representation metrics."""
