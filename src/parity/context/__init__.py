"""Context for each force: its published gender pay gap returns, year by year, and recorded
crime in its police force area (ONS data tables); the checker of published pay gap returns."""
