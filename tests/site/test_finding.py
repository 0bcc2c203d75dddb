"""Finding and comparing forces: the search box and sortable table of /forces, the compare
page and its downloads."""

from __future__ import annotations

import csv
import io

from lxml import html as lxml_html


def _rows(response, table_id: str) -> list[list[str]]:  # noqa: ANN001
    doc = lxml_html.fromstring(response.text)
    return [[" ".join(c.text_content().split()) for c in tr.xpath("./th|./td")]
            for tr in doc.xpath(f"//table[@id='{table_id}']/tbody/tr")]


def test_forces_search_works_without_javascript(site):
    page = site.get("/forces")
    form = lxml_html.fromstring(page.text).xpath("//form[@action='/forces']")[0]
    assert form.get("method") == "get" and form.xpath(".//input[@name='q']")
    found = _rows(site.get("/forces", params={"q": "york"}), "forces")
    # names and regions: Humberside is in Yorkshire and the Humber
    assert [r[0] for r in found] == ["Humberside", "North Yorkshire", "South Yorkshire",
                                     "West Yorkshire"]
    by_alias = _rows(site.get("/forces", params={"q": "met"}), "forces")
    assert "Metropolitan Police" in [r[0] for r in by_alias]
    none = site.get("/forces", params={"q": "atlantis"})
    assert none.status_code == 200 and "No force matches" in none.text


def test_forces_sort_by_link(site):
    page = site.get("/forces")
    links = lxml_html.fromstring(page.text).xpath("//table[@id='forces']//th/a/@href")
    assert "/forces?sort=share&order=desc" in links
    rows = _rows(site.get("/forces?sort=share&order=desc"), "forces")
    shares = [float(r[2].rstrip("%")) for r in rows]
    assert shares == sorted(shares, reverse=True) and len(rows) == 43
    ascending = _rows(site.get("/forces?sort=share&order=asc"), "forces")
    assert [r[0] for r in ascending] == [r[0] for r in reversed(rows)] or \
        sorted(float(r[2].rstrip("%")) for r in ascending) == [float(r[2].rstrip("%"))
                                                            for r in ascending]
    assert site.get("/forces?sort=nonsense").status_code == 400


def test_compare_two_forces(site):
    page = site.get("/compare", params=[("forces", "kent"), ("forces", "Essex")])
    assert page.status_code == 200
    workforce = _rows(page, "compare-workforce")
    assert [r[0] for r in workforce] == ["Kent", "Essex"]
    kent = site.get("/api/v1/representation", params={"area": "Kent", "group": "senior"}).json()
    senior = list(lxml_html.fromstring(page.text).xpath(
        "//table[@id='compare-workforce']/thead/tr/th/text()")).index(
        "Senior leadership (Chief Inspector and above)")
    assert workforce[0][senior] == f"{kent['share_female'] * 100:.1f}%"
    assert _rows(page, "compare-paygap")[0][1] == "2022/23"
    assert len(_rows(page, "compare-commitments")) == 2
    data = site.get("/compare.json", params=[("forces", "kent"), ("forces", "essex")]).json()
    assert data["forces"] == ["kent", "essex"]
    got = site.get("/compare.csv", params=[("forces", "kent"), ("forces", "essex"),
                                            ("table", "1")])
    rows = list(csv.reader(io.StringIO(got.text)))
    assert rows[0][0] == "Force" and rows[0][1].endswith("(%)") and len(rows) == 3
    assert site.get("/compare.xlsx", params=[("forces", "kent"),
                                             ("forces", "essex")]).status_code == 200


def test_compare_refuses_one_or_seven_forces(site):
    assert site.get("/compare").status_code == 200  # the form to choose them
    seven = [("forces", f) for f in ("kent", "essex", "surrey", "sussex", "dorset", "devon-and-cornwall",
                                     "cumbria")]
    answer = site.get("/compare", params=seven)
    assert answer.status_code == 400 and "from 2 to 6" in answer.text
    assert site.get("/compare", params=[("forces", "kent"), ("forces", "atlantis")]
                    ).status_code == 400
