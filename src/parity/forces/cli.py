"""Commands: forces (the registry, or what a name resolves to)."""

from __future__ import annotations

import typer

from parity.forces import registry
from parity.present.commands import JsonOption, app, console, emit_json, handles_input_errors


@app.command("forces")
@handles_input_errors
def forces_cmd(
    name: str = typer.Argument(None, help="A force or area name in any publisher's spelling."),
    as_json: bool = JsonOption,
) -> None:
    """List the forces Parity knows, or resolve one name to its force or area."""
    reg = registry()
    if name:
        area = reg.area(name)
        payload = {"name": area.name, "kind": area.kind, "force_ids": list(area.force_ids)}
        if as_json:
            emit_json(payload)
        else:
            console().print(f"{name!r} -> {area.name} ({area.kind}; {len(area.force_ids)} forces)")
        return
    rows = [{"id": f.id, "name": f.name, "code": f.code, "region": f.region, "nation": f.nation,
             "kind": f.kind, "aliases": list(f.aliases)} for f in reg.forces]
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table  # deferred: rich costs ~0.5 s at start-up

    table = Table(title="Police forces")
    for col in ("id", "name", "code", "region", "kind"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["id"]), str(r["name"]), str(r["code"] or ""), str(r["region"] or ""),
                      str(r["kind"]))
    console().print(table)
