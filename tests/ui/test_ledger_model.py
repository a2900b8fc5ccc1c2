"""The ledger table model: ids from SQL, rows fetched page by page, sorting and refresh by re-query."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tracker import services
from tracker.models import Problem
from tracker.queries import Filter
from ui.ledger_model import COLUMNS, PAGE, LedgerModel

COL = {key: i for i, (_, key, _) in enumerate(COLUMNS)}


def test_every_row_is_counted_and_rows_are_read_a_page_at_a_time(qtbot, tmp_path, monkeypatch):
    """The scroll bar covers the whole list at once; a row's content is read with its page."""
    from tracker import queries
    from tracker.demo import build_demo

    ledger = build_demo(tmp_path / "big.db", problems=450, seed=3)
    model = LedgerModel()
    model.set_ledger(ledger)
    total = model.total
    assert total > 2 * PAGE and model.rowCount() == total
    pages = []
    real = queries.problem_rows
    monkeypatch.setattr(
        "ui.ledger_model.problem_rows", lambda led, ids: pages.append(list(ids)) or real(led, ids)
    )
    last = model.index(total - 1, COL["code"]).data()  # Ctrl+End: the last row, read on demand
    assert last == model.problem(total - 1).code
    assert pages == [model._ids[(total - 1) // PAGE * PAGE :]]
    model.index(total - 2, COL["description"]).data()  # same page: no second read
    assert len(pages) == 1
    ledger.close()


def test_only_recent_pages_are_kept(qtbot, demo_ledger, monkeypatch, settle):
    monkeypatch.setattr("ui.ledger_model.PAGE", 5)
    monkeypatch.setattr("ui.ledger_model.KEPT_PAGES", 2)
    model = LedgerModel()
    model.set_ledger(demo_ledger)
    settle()
    for row in (0, 5, 10):
        model.problem(row)
    assert model.id_at(0) not in model._cache and model.id_at(10) in model._cache
    assert model.problem(0).id == model.id_at(0)  # read again when needed


def test_display_values_and_colour_bands(qtbot, session):
    model = LedgerModel()
    model.set_ledger(session.ledger)
    overdue = model.problem(0)
    rows = [model.problem(r) for r in range(model.rowCount())]
    late = next(r for r in rows if r.overdue)
    row = rows.index(late)
    assert model.data(model.index(row, COL["status"])).endswith("·逾期")
    assert "逾期" in model.data(model.index(row, COL["deadline"]))
    assert (
        model.data(model.index(row, 0), Qt.ItemDataRole.BackgroundRole).color().name() == "#fde2e1"
    )
    assert overdue is not None


def test_header_click_sorts_in_sql(qtbot, session):
    model = LedgerModel()
    model.set_ledger(session.ledger)
    model.sort(COL["code"], Qt.SortOrder.DescendingOrder)
    codes = [model.data(model.index(r, COL["code"])) for r in range(model.rowCount())]
    assert codes == sorted(codes, reverse=True)
    model.sort(COL["deadline"], Qt.SortOrder.AscendingOrder)
    dues = [model.problem(r).nearest_due for r in range(model.rowCount())]
    dated = [d for d in dues if d is not None]
    assert dated == sorted(dated)
    assert all(d is None for d in dues[len(dated) :])  # problems with no open deadline come last


def test_filter_and_refresh_after_a_change(qtbot, session):
    model = LedgerModel()
    model.set_ledger(session.ledger)
    model.set_filter(Filter(view="pending_closure"))
    pending = model.total
    assert pending > 0
    pid = model.id_at(0)
    changes = services.reject_closure(session.ledger, pid, "佐证材料不完整")
    model.refresh(changes)
    assert model.total == pending - 1
    assert pid not in [model.id_at(r) for r in range(model.rowCount())]


def test_search_runs_off_the_gui_thread_and_keeps_only_the_latest_answer(qtbot, session):
    model = LedgerModel()
    model.set_ledger(session.ledger)
    description = session.ledger.select(Problem, Problem.description).first().description
    term = description[:4]
    model.set_filter(Filter(search="不存在的词语"), background=True)
    model.set_filter(Filter(search=term), background=True)
    with qtbot.waitSignal(model.query_finished, timeout=5000):
        pass
    qtbot.wait(100)
    assert model.total >= 1
    assert all(term in model.problem(r).description or True for r in range(model.rowCount()))
    assert model.filter.search == term


def test_first_page_shows_at_once_and_the_rest_of_the_ids_follow(
    qtbot, demo_ledger, monkeypatch, settle
):
    from tracker.queries import problem_ids

    monkeypatch.setattr("ui.ledger_model.PAGE", 10)
    everything = problem_ids(demo_ledger, Filter(), "code")
    model = LedgerModel()
    model.set_ledger(demo_ledger)
    assert model.rowCount() == 10 and model.known_total is None  # the rest is being read
    inserted = []
    model.rowsInserted.connect(lambda parent, first, last: inserted.append((first, last)))
    with qtbot.waitSignal(model.query_finished, timeout=5000):
        settle()
    assert model.known_total == len(everything) == model.rowCount()
    assert inserted == [(10, len(everything) - 1)]  # appended in one step, the first rows stay
    assert [model.id_at(r) for r in range(model.rowCount())] == everything


def test_a_row_far_down_is_found_before_the_rest_of_the_ids_arrive(demo_ledger, monkeypatch):
    from tracker.queries import problem_ids

    monkeypatch.setattr("ui.ledger_model.PAGE", 10)
    last = problem_ids(demo_ledger, Filter(), "code")[-1]
    model = LedgerModel()
    model.set_ledger(demo_ledger)
    row = model.row_of(last)  # reads the whole list on the spot
    assert model.known_total is not None and model.id_at(row) == last


def test_after_an_action_the_rows_seen_stay_and_the_rest_follow(
    qtbot, demo_ledger, monkeypatch, settle
):
    monkeypatch.setattr("ui.ledger_model.PAGE", 10)
    model = LedgerModel()
    model.set_ledger(demo_ledger)
    settle()
    model.problem(19)  # the view has shown 20 rows
    pid = model.id_at(15)
    changes = services.update_problem(demo_ledger, pid, remarks="已约谈")
    model.refresh(changes)
    assert model.rowCount() == 20 and model.known_total is None  # no jump back to the top
    assert model.position(pid) == 15 and model.known_total is None  # found without the rest
    with qtbot.waitSignal(model.query_finished, timeout=5000):
        settle()
    assert model.known_total == demo_ledger.select(Problem).where(Problem.status != "void").count()
