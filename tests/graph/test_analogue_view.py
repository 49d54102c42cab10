"""The analogue view's edge tooltip carries both sentences (with their articles) and both languages."""

from __future__ import annotations

from pathlib import Path

from citykg.viz.data import load_model
from citykg.viz.source import ViewSource
from citykg.viz.views import analogues_view


def test_every_analogy_edge_shows_both_sentences_and_reasons_in_two_languages(built: Path) -> None:
    view = analogues_view(load_model(ViewSource(built)))
    assert len(view.edges) > 30
    for edge in view.edges:
        keys = [k for k, _ in edge.tip]
        sentences = [v for k, v in edge.tip if k.startswith("原文")]
        assert [k[:4] for k in keys if k.startswith("原文")] == ["原文 A", "原文 B"], edge.tip
        assert all(len(s) > 10 and s.endswith("）") for s in sentences)  # sentence（title date）
        reasons = [v for k, v in edge.tip if k.startswith("依据")]
        assert any(r[:1].isascii() for r in reasons) and any("\u4e00" <= r[0] <= "\u9fff" for r in reasons)
    assert any("（" in v and "20" in v.rsplit("（", 1)[1] for e in view.edges for k, v in e.tip if k.startswith("原文"))
