"""The ledger page: side views, reminder, search and filters, the table, and the detail panel."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tracker.matches import search_form
from tracker.models import Problem
from tracker.queries import Filter

from .highlight import HighlightDelegate
from .ledger_model import COLUMNS, ID_ROLE, MATCH_COLUMN, LedgerModel, explains
from .page_layout import (
    CENTRE_MIN,
    CENTRE_MIN_HEIGHT,
    DETAIL_MIN_HEIGHT,
    DETAIL_MIN_WIDTH,
    SIDE_KEY,
    SIDE_MIN,
    SIDE_WIDTH,
    ColumnFitter,
    DetailPlacement,
)
from .panels.detail import DetailPanel
from .panels.empty_ledger import EmptyLedgerPage
from .panels.filter_bar import FilterBar
from .panels.reminder import ReminderBanner
from .panels.views_panel import ViewsPanel
from .session import Session


class LedgerPage(QWidget):
    """Composes the widgets of the ledger page and keeps the table's filter in step with them."""

    selection_changed = Signal(list)  # problem ids

    def __init__(
        self, session: Session, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.base = Filter()  # the part chosen in the side list (view, batch or a saved view)

        self.views = ViewsPanel(session, settings)
        self.banner = ReminderBanner(session)
        self.filters = FilterBar(session)
        self.model = LedgerModel(self)
        self.table = QTableView()
        self.table.setObjectName("ledgerTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionsMovable(True)
        for i, (_, _, width) in enumerate(COLUMNS):
            self.table.setColumnWidth(i, width)
        self.columns = ColumnFitter(self.table, [key for _, key, _ in COLUMNS])
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.setItemDelegate(
            HighlightDelegate(lambda: search_form(self.model.filter.search), self.table)
        )
        self.table.setColumnHidden(MATCH_COLUMN, True)
        self.copy_action = QAction("复制所选行", self.table)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_action.setToolTip(
            "复制所选问题（含表头，可直接粘贴到 WPS 表格或 Excel）（Ctrl+C）"
        )
        self.copy_action.triggered.connect(self.copy_selected)
        self.table.addAction(self.copy_action)
        self.empty = EmptyLedgerPage()
        self.list_area = QStackedWidget()
        self.list_area.addWidget(self.table)
        self.list_area.addWidget(self.empty)
        self._follow: int | None = None  # the problem to select again once the new order is known
        self.count = QLabel()
        self.count.setObjectName("countLabel")
        self.detail = DetailPanel(session)

        centre = QWidget()
        # Fixed, not the contents' wishes: the filter rows, the banner or the empty-ledger page
        # never widen the window or make it taller than a 768-pixel screen at 特大.
        centre.setMinimumSize(CENTRE_MIN, CENTRE_MIN_HEIGHT)
        column = QVBoxLayout(centre)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.banner)
        column.addWidget(self.filters)
        column.addWidget(self.list_area, 1)
        column.addWidget(self.count)
        # A fixed minimum, not the tabs' wishes: showing a problem never moves the splitters.
        self.detail.setMinimumSize(DETAIL_MIN_WIDTH, DETAIL_MIN_HEIGHT)
        self.detail_area = self.detail
        self.body = QSplitter(Qt.Orientation.Horizontal)  # the list and the detail panel
        self.body.setChildrenCollapsible(False)
        self.body.addWidget(centre)
        self.body.addWidget(self.detail_area)
        self.body.setStretchFactor(0, 1)
        self.body.setStretchFactor(1, 0)
        self.views.setMinimumWidth(SIDE_MIN)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)  # the side list and the rest
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.views)
        self.splitter.addWidget(self.body)
        self.splitter.setStretchFactor(0, 0)  # a wider window widens the list, not the side
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([SIDE_WIDTH, 1200])
        self.views.setVisible(settings.value(SIDE_KEY, True, type=bool))
        self.placement = DetailPlacement(
            self.body, self.detail_area, settings, self.columns.list_needs
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.keep_minimum()

        self.views.view_selected.connect(self._view_chosen)
        self.views.save_requested.connect(self._save_view)
        self.filters.changed.connect(self._filters_changed)
        self.banner.show_view.connect(lambda key: self.views.select_key(f"view:{key}"))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection())
        self.model.modelReset.connect(self._update_count)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._follow_selection)
        self.model.query_finished.connect(self._update_count)
        self.model.query_finished.connect(self._follow_selection)
        self.model.rowsInserted.connect(lambda *_: self._update_count())
        session.opened.connect(self._opened)
        session.changed.connect(self._changed)

    # -- layout ----------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self.placement.apply()  # 自动: right of the list on a wide window, under it on a narrow one
        self.columns.fit()

    def show_side_list(self, shown: bool) -> None:
        self.views.setVisible(shown)
        self.settings.setValue(SIDE_KEY, shown)
        self.keep_minimum()

    def choose_detail_place(self, place: str) -> None:
        self.placement.choose(place)
        self.keep_minimum()

    def keep_minimum(self) -> None:
        """The page's minimum width, set explicitly: with 自动 the narrow layout's (the detail
        moves under the list as the window narrows), so that the window can be made narrow."""
        side = SIDE_MIN + 8 if self.views.isVisibleTo(self) else 0
        detail = DETAIL_MIN_WIDTH + 8 if self.placement.choice == "right" else 0
        self.setMinimumWidth(side + CENTRE_MIN + detail)

    def save_layout(self) -> None:
        self.placement.save()
        self.settings.setValue("window/splitter", self.splitter.saveState())

    # -- filter ----------------------------------------------------------------------------------
    def current_filter(self) -> Filter:
        bar = {k: v for k, v in self.filters.values().items() if v not in (None, "", ())}
        return self.base.with_(**bar)

    def _view_chosen(self, flt: Filter) -> None:
        self.base = flt.with_(
            search="",
            statuses=(),
            category=None,
            source=None,
            department=None,
            person=None,
            deadline_from=None,
            deadline_to=None,
        )
        self.filters.set_values(flt)
        self._show_match_column()
        self.model.set_filter(self.current_filter())

    def _filters_changed(self) -> None:
        self._show_match_column()
        self.model.set_filter(self.current_filter(), background=True)

    def _show_match_column(self) -> None:
        """匹配之处 only while a search or a department/person filter can match out of sight."""
        self.table.setColumnHidden(MATCH_COLUMN, not explains(self.current_filter()))

    def _save_view(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(self, "保存为视图", "视图名称：")
        if ok and name.strip():
            self.views.save_view(name.strip(), self.current_filter())

    # -- selection -------------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [pid for pid in (self.model.id_at(r) for r in rows) if pid is not None]

    def _selection(self) -> None:
        ids = self.selected_ids()
        if not self.detail.show_problem(ids[0] if len(ids) == 1 else None):
            # 取消 on unsaved edits: back to the problem being edited, once the click is done
            QTimer.singleShot(0, lambda pid=self.detail.problem_id: self._reselect(pid))
            return
        self.selection_changed.emit(ids)

    def _reselect(self, problem_id: int | None) -> None:
        row = self.model.row_of(problem_id) if problem_id is not None else None
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def _remember_selection(self) -> None:
        """Before a new order or filter replaces the rows: the problem the detail panel shows."""
        self._follow = self.detail.problem_id

    def _follow_selection(self) -> None:
        """After a sort or filter: select the same problem again where it now stands, or, once the
        whole list is known and it is not in it, show nothing (never another problem's details)."""
        pid = self._follow
        if pid is None:
            return
        row = self.model.position(pid)
        if row is not None:
            self._follow = None
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        elif self.model.complete:
            self._follow = None
            self.table.clearSelection()
            self.detail.show_problem(None)
            self.selection_changed.emit([])

    def copy_selected(self) -> int:
        """Ctrl+C: the selected rows as tab-separated text with a header line (WPS 表格 and
        Excel paste it into cells); the columns as shown, in their order. Returns the row count."""
        from PySide6.QtWidgets import QApplication, QMessageBox

        from .table_copy import MOST_ROWS, rows_as_text

        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        if not rows:
            return 0
        if len(rows) > MOST_ROWS:
            QMessageBox.information(
                self,
                "选中的行太多",
                f"一次最多复制 {MOST_ROWS} 行，现在选中了 {len(rows)} 行。\n"
                "要把很多问题放进表格，请用“文件 → 导出台账…”。",
            )
            return 0
        QApplication.clipboard().setText(rows_as_text(self.table, rows))
        self.count.setText(f"已复制 {len(rows)} 行（含表头），可粘贴到 WPS 表格或 Excel")
        return len(rows)

    def select_problem(self, problem_id: int) -> bool:
        row = self.model.row_of(problem_id)
        if row is None:
            self.views.select_key("view:all")
            self.filters.reset()
            row = self.model.row_of(problem_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _update_count(self) -> None:
        total = self.model.known_total
        filtered = "（已按条件筛选）" if self.current_filter() != self.base else ""
        self.count.setText(f"共 {total} 个问题{filtered}" if total is not None else "正在统计…")

    # -- ledger ----------------------------------------------------------------------------------
    def _opened(self, ledger) -> None:
        self.base = Filter()
        self.model.ledger = ledger
        self.empty.set_writable(not ledger.read_only)
        self._show_empty_page()
        if not self.views.select_key("view:all"):  # selecting the view runs the first query
            self.model.set_ledger(ledger)

    def _show_empty_page(self) -> None:
        """The first steps instead of the table while the ledger has no problem at all."""
        ledger = self.session.ledger
        empty = ledger is not None and ledger.select(Problem, Problem.id).first() is None
        self.list_area.setCurrentWidget(self.empty if empty else self.table)

    def _changed(self, changes) -> None:
        self._show_empty_page()
        self.model.refresh(changes)  # the shown problem is selected again (_follow_selection)

    def problem_id_at_current(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None
