"""The SVG charts: well-formed, accessible, escaped, and honest about their scales."""

from __future__ import annotations

import math

from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from parity.present import charts, format

SVG = "{http://www.w3.org/2000/svg}"
shares = st.one_of(st.none(), st.floats(min_value=0, max_value=1, allow_nan=False))
labels = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30)


def parse(markup) -> etree._Element:  # noqa: ANN001
    """The chart's SVG, out of the box that lets it scroll sideways on a narrow screen (a
    named region that takes the keyboard focus)."""
    box = etree.fromstring(str(markup).encode("utf-8"))
    assert (box.tag, box.get("class"), box.get("role"), box.get("tabindex")) == (
        "div", "chart-box", "region", "0")
    (svg,) = box
    assert box.get("aria-label") == "Chart: " + svg.find(f"{SVG}title").text
    return svg


def accessible(svg: etree._Element) -> tuple[str, str]:
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    assert svg.find(f".//{SVG}*[@style]") is None  # presentation attributes only (CSP)
    return title.text, desc.text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(labels, st.lists(shares, min_size=1, max_size=17)), min_size=1,
                max_size=4), labels)
def test_line_chart_is_well_formed_whatever_the_data(series, title):
    drawn = [charts.Series(label, [(2007 + i, y) for i, y in enumerate(ys)])
             for label, ys in series]
    svg = parse(charts.line_chart(drawn, title=title))
    got_title, desc = accessible(svg)
    assert got_title == title
    for label, _ys in series:
        assert label in desc  # every series is named in the text alternative
    paths = svg.findall(f"{SVG}path")
    assert len(paths) == sum(1 for _, ys in series if any(y is not None for y in ys))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(labels, shares), min_size=1, max_size=45), shares)
@example([("0", None)], 5e-324)  # a subnormal reference once broke the tick step
def test_bar_chart_is_well_formed_whatever_the_data(bars, reference):
    svg = parse(charts.bar_chart([charts.Bar(label, v) for label, v in bars], title="t",
                                 reference=("England and Wales", reference)))
    accessible(svg)
    drawn = [r for r in svg.findall(f"{SVG}rect") if r.get("fill") != "#ffffff"]
    assert len(drawn) == sum(1 for _, v in bars if v is not None)  # white: a value's ground
    width = float(svg.get("width"))
    for rect in svg.findall(f"{SVG}rect"):
        assert 0 <= float(rect.get("x")) and float(rect.get("x")) + float(rect.get("width")) \
            <= width


def test_labels_are_escaped_and_no_link_hides_inside_the_picture():
    markup = charts.bar_chart([charts.Bar("<b>A & B</b>\x08", 0.5, href="/forces/a?x=1&y=2"),
                               charts.Bar("None", None)], title="Forces <2023>")
    assert "<b>" not in str(markup)
    svg = parse(markup)
    assert accessible(svg)[0] == "Forces <2023>"
    # a chart is one picture to assistive technology (role="img"): a link inside it could not
    # be reached, so the bar's address is carried by the table beside the chart instead
    assert svg.find(f".//{SVG}a") is None and "/forces/a" not in str(markup)
    assert "A &amp; B" in str(markup)
    assert "no data" in "".join(svg.itertext())


def test_shares_start_at_zero_and_bars_are_proportional():
    svg = parse(charts.line_chart([charts.Series("x", [(2020, 0.30), (2021, 0.35)])],
                                  title="t"))
    ticks = [t.text for t in svg.findall(f"{SVG}text") if t.text and t.text.endswith("%")]
    assert ticks[0] == "0%" and ticks[-1] == "40%"
    svg = parse(charts.bar_chart([charts.Bar("a", 0.2), charts.Bar("b", 0.4)], title="t"))
    a, b = (float(r.get("width")) for r in svg.findall(f"{SVG}rect"))
    assert math.isclose(b, 2 * a, rel_tol=1e-3)


@given(st.floats(min_value=1e-6, max_value=1e6))
def test_nice_step_is_round_and_gives_a_few_ticks(span):
    step = charts.nice_step(span)
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-12)
    assert any(math.isclose(mantissa, m, rel_tol=1e-9) for m in (1, 2, 2.5, 5, 10))
    assert 2 <= span / step + 1e-9 and span / step <= 5 + 1e-9


def test_formats():
    assert format.pct(0.24414) == "24.4%"
    assert format.pct(None) == "—"
    assert format.points(0.0123) == "+1.2 pts"
    assert format.points(-0.051) == "−5.1 pts"
    assert format.points(0.00001) == "0.0 pts"
    assert [format.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 41, 43)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "41st", "43rd"]
    assert format.number(51210.4) == "51,210"
    assert format.direction(0.0004) == "level" and format.direction(-0.01) == "down"
    assert format.suppressed("12.5%", 9) == "[c]" and format.suppressed("12.5%", None) == "[c]"
    assert format.suppressed("12.5%", 10) == "12.5%"


def test_chart_text_is_never_under_12_units():
    """Charts are drawn at their own size on screens (they never shrink; see parity.css), so
    12 units are 12 px."""
    from parity.commitments.charts import status_dot
    from parity.flows.charts import band_chart

    drawn = [charts.line_chart([charts.Series("x", [(2020, 0.30), (2021, 0.35)])], title="t"),
             charts.bar_chart([charts.Bar("a", 0.2), charts.Bar("b", 0.4)], title="t",
                              bar_height=10, reference=("E", 0.3)),
             band_chart([2023, 2024], [0.30, 0.32], [0.29, 0.30], [0.31, 0.33], [0.35, 0.35],
                        title="t", reference_label="all officers", parity_year=None,
                        heading="h")]
    for markup in drawn:
        svg = parse(markup)
        for node in svg.iter(f"{SVG}svg", f"{SVG}text"):
            assert float(node.get("font-size", "12")) >= 12, etree.tostring(node)
    dot = etree.fromstring(str(status_dot("on_track")).encode("utf-8"))
    assert float(dot.find(f"{SVG}text").get("font-size")) >= 12
