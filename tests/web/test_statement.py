"""A member's statement: totals, lines, the pot chart (inline SVG, no JS) and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timezone

from ops import demo
from ops.devstack import open_link
from stokvel.links import make_link


def _at(day: int) -> datetime:
    return datetime(2027, 2, day, 8, 0, tzinfo=timezone.utc)


def test_statement_shows_totals_lines_chart_and_csv(stack, browser):
    thabo = demo.member(stack, "+27821770001", "Thabo")
    mpho = demo.member(stack, "+27821770002", "Mpho")
    outsider = demo.member(stack, "+27821770003", "Outsider")
    stokvel_id = demo.stokvel(thabo, "Chart Club")
    demo.approved(thabo, mpho, stokvel_id)
    demo.completed_payment("c-thabo", "contribution", stokvel_id, thabo, 50_000, _at(1))
    demo.completed_payment("c-mpho", "contribution", stokvel_id, mpho, 50_000, _at(1))
    demo.completed_payment("payout-mpho", "payout", stokvel_id, mpho, 100_000, _at(2))
    demo.completed_payment("pen-thabo", "penalty", stokvel_id, thabo, 5_000, _at(5))

    # JavaScript off: the chart is drawn by the server.
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False,
                                  accept_downloads=True)
    page = context.new_page()
    open_link(page, make_link(thabo, "statement", stokvel_id=stokvel_id))
    totals = page.locator("#totals").inner_text()
    assert re.search(r"Contributed\s+R500\.00", totals) and re.search(r"Penalties\s+R50\.00", totals)
    assert re.search(r"Paid to you\s+R0\.00", totals)
    assert page.locator("tbody tr").count() == 2  # only Thabo's own lines
    chart = page.locator("svg.chart")
    assert chart.is_visible() and chart.bounding_box()["width"] <= 360
    # The pot: R1 000 on 1 Feb, R0 after the payout on 2 Feb, R50 on 5 Feb (a step line).
    assert "R1 000.00" in chart.text_content() and "1 Feb 2027" in chart.text_content()
    points = [tuple(map(float, p.split(","))) for p in chart.locator("polyline").get_attribute("points").split()]
    heights = [y for _, y in points]
    assert heights[0] == min(heights) and heights[-1] < max(heights)  # top, then near the axis

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path()).read())))
    assert rows[0] == ["date", "kind", "period", "amount", "currency", "status"]
    assert sorted((r[1], r[3]) for r in rows[1:]) == [("contribution", "500.00"), ("penalty", "50.00")]
    context.close()

    # Someone who never belonged to the stokvel sees nothing of it.
    context = browser.new_context()
    page = context.new_page()
    open_link(page, make_link(outsider, "statement", stokvel_id=stokvel_id))
    assert "not a member of Chart Club" in page.content()
    assert page.locator("svg").count() == 0
    context.close()
