"""The number of simulated runs behind every projection Parity shows or prints (pages,
panels, the forces' table, the API's default, the report, the CLI's default): one figure, so
"16% of runs" means the same thing wherever it is read."""

RUNS = 500
