"""Statutory gender pay gap: from a force's payroll extract to the six published figures.

`service` is the entry point for other domains and front ends; `metrics` holds the pure rules;
`validation` and `importer` read and check extracts; `adjusted` the Oaxaca–Blinder
decomposition; `synth` the synthetic payroll generator.
"""
