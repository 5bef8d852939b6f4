"""The bar charts drawn on the server: narrow enough to be read at their own size on a phone."""

import re

from reports.charts import bar_chart


def numbers(svg, pattern):
    return [float(value) for value in re.findall(pattern, svg)]


def test_a_bar_chart_fits_a_phone_with_each_label_above_its_bar():
    svg = bar_chart(
        [("Études d'opportunité ouvertes", 5), ("Activités lancées", 2), ("Pas encore connu", None)],
        chart_id="graphique-entonnoir",
        title="Graphique : l'entonnoir",
    )

    # 340 px wide, drawn at 14 px: at its own size within the 350 px a 390 px wide phone leaves to the page.
    assert re.search(r'<svg class="chart" viewBox="0 0 340 \d+" width="340" height="\d+"', svg)
    assert 'font-size="14"' in svg
    assert '<title id="graphique-entonnoir-titre">Graphique : l&#x27;entonnoir</title>' in svg
    labels = re.findall(r'<text x="2" y="([\d.]+)" fill="#1b1f24">([^<]*)</text>', svg)
    assert [label for _, label in labels] == ["Études d&#x27;opportunité ouvertes", "Activités lancées"]
    bars = re.findall(r'<rect x="1" y="([\d.]+)" width="([\d.]+)"', svg)
    # The longest bar leaves room for its value; the other is in proportion; each starts below its label.
    assert [float(width) for _, width in bars] == [244.0, 97.6]
    assert all(float(label_y) < float(bar_y) for (label_y, _), (bar_y, _) in zip(labels, bars, strict=True))
    assert re.findall(r'font-weight="700">([^<]*)</text>', svg) == ["5", "2"]


def test_a_long_label_is_cut_to_the_drawings_width_and_a_unit_follows_the_value():
    svg = bar_chart(
        [("Décisions de COPIL : poursuivre, après une étude d'opportunité", 20000)],
        chart_id="graphique-financements",
        title="Graphique",
        unit="€",
    )

    assert ">Décisions de COPIL : poursuivre, après un…</text>" in svg
    assert 'font-weight="700">20\u202f000\u00a0€</text>' in svg


def test_a_chart_with_no_figure_is_not_drawn():
    assert bar_chart([("Activités lancées", None)], chart_id="graphique-vide", title="Graphique") == ""
