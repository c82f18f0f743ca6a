"""The list component on real screens (audit log, users): paging, sorting, searching, filtering, htmx,
Excel and CSV exports with formula injection neutralised, and a query count that ignores the table's size."""
from __future__ import annotations

import csv
import datetime as dt
import io
from html.parser import HTMLParser

import openpyxl
import pytest
from peewee import fn

from equisis.store import audit
from equisis.store.database import write
from equisis.store.models import AuditEvent
from equisis.users import service as user_service
from equisis.web import listing
from tests.web.conftest import USER_PASSWORD, add_user, sign_in, text_of

PAGE = 50  # LIST_PAGE_SIZE


class _Table(HTMLParser):
    """The body rows of the first table as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.rows, self._row, self._cell, self._in_body = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def rows_of(response) -> list[list[str]]:
    parser = _Table()
    parser.feed(response.get_data(as_text=True))
    return [r for r in parser.rows if len(r) > 1]


def ids_of(response) -> list[int]:
    return [int(r[0]) for r in rows_of(response)]


def make_events(store, count: int, *, robot_every: int = 4) -> None:
    """``count`` audit events through the users service (one transaction); every ``robot_every``th by 'cli:robot'."""
    with store.session(), audit.acting_as("user:sophie"):
        if not user_service.User.select().where(user_service.User.username == "julie").exists():
            user_service.add_user("julie", "password-xxxx", "sales")
            count -= 1
        julie = user_service.find_user("julie")
        with write():
            for n in range(count):
                if n % robot_every == 0:
                    with audit.acting_as("cli:robot"):
                        user_service.update_user(julie.id, display_name=f"Julie {n}")
                else:
                    user_service.update_user(julie.id, display_name=f"Julie {n}")


def all_ids(store, where=None) -> list[int]:
    with store.session():
        query = AuditEvent.select(AuditEvent.id)
        if where is not None:
            query = query.where(where)
        return [e.id for e in query.order_by(AuditEvent.id)]


@pytest.fixture
def events(store):
    make_events(store, 120)
    return all_ids(store)


def audit_page(client, slug, query="", **headers):
    return client.get(f"/c/{slug}/audit/{'?' + query if query else ''}", headers=headers)


# ---------------------------------------------------------------- the screen


def test_first_page_is_the_newest(admin, slug, events):
    response = audit_page(admin, slug)
    assert response.status_code == 200
    newest_first = sorted(events, reverse=True)
    assert ids_of(response) == newest_first[:PAGE]
    assert f"1–{PAGE} of {len(events)}" in text_of(response)


def test_page_two_shows_the_next_range(admin, slug, events):
    response = audit_page(admin, slug, "page=2")
    newest_first = sorted(events, reverse=True)
    assert ids_of(response) == newest_first[PAGE:2 * PAGE]
    assert f"{PAGE + 1}–{2 * PAGE} of {len(events)}" in text_of(response)
    assert 'rel="prev"' in response.get_data(as_text=True) and 'rel="next"' in response.get_data(as_text=True)


def test_last_page_and_beyond(admin, slug, events):
    pages = -(-len(events) // PAGE)
    newest_first = sorted(events, reverse=True)
    last = audit_page(admin, slug, f"page={pages}")
    assert ids_of(last) == newest_first[(pages - 1) * PAGE:]
    assert 'rel="next"' not in last.get_data(as_text=True)
    assert ids_of(audit_page(admin, slug, "page=999")) == ids_of(last)  # clamped to the last page
    assert ids_of(audit_page(admin, slug, "page=abc")) == newest_first[:PAGE]
    assert ids_of(audit_page(admin, slug, "page=-3")) == newest_first[:PAGE]


def test_sort_by_id_ascending_and_descending(admin, slug, events):
    assert ids_of(audit_page(admin, slug, "sort=id&dir=asc")) == sorted(events)[:PAGE]
    assert ids_of(audit_page(admin, slug, "sort=id&dir=desc")) == sorted(events, reverse=True)[:PAGE]


def test_sort_by_actor(admin, slug, events):
    ascending = rows_of(audit_page(admin, slug, "sort=actor&dir=asc"))
    actors = [r[2] for r in ascending]
    assert actors == sorted(actors) and actors[0] == "cli:robot"
    # Ties keep a stable order (the id), so paging never shows a row twice or skips one.
    robot_ids = [int(r[0]) for r in ascending if r[2] == "cli:robot"]
    assert robot_ids == sorted(robot_ids)
    descending = rows_of(audit_page(admin, slug, "sort=actor&dir=desc"))
    assert descending[0][2] == "user:sophie"
    assert [r[2] for r in descending] == sorted([r[2] for r in descending], reverse=True)


def test_paging_a_sorted_list_covers_every_row_once(admin, slug, events):
    seen = []
    for page in range(1, -(-len(events) // PAGE) + 1):
        seen += ids_of(audit_page(admin, slug, f"sort=actor&dir=asc&page={page}"))
    assert sorted(seen) == sorted(events)


def test_unsortable_or_unknown_columns_fall_back_to_the_default(admin, slug, events):
    for column in ("after_json", "nope", "id;DROP TABLE audit_event"):
        assert ids_of(audit_page(admin, slug, f"sort={column}&dir=desc")) == sorted(events, reverse=True)[:PAGE]


def test_search(admin, slug, events, store):
    robot = all_ids(store, AuditEvent.actor == "cli:robot")
    response = audit_page(admin, slug, "q=robot&sort=id&dir=asc")
    assert ids_of(response) == robot
    assert f"of {len(robot)}" in text_of(response)
    # LIKE wildcards typed by the user are plain characters.
    assert ids_of(audit_page(admin, slug, "q=%25")) == []
    # only the events with a literal "_" match (the ledger's 'fiscal_year' events have one)
    has_underscore = [fn.INSTR(column, "_") > 0
                      for column in (AuditEvent.actor, AuditEvent.object_type, AuditEvent.object_id)]
    underscored = all_ids(store, has_underscore[0] | has_underscore[1] | has_underscore[2])
    assert sorted(ids_of(audit_page(admin, slug, "q=_&sort=id&dir=asc"))) == underscored[:PAGE]
    # Several words must all match.
    assert ids_of(audit_page(admin, slug, "q=robot+user&sort=id&dir=asc")) == robot  # object_type 'user'
    assert ids_of(audit_page(admin, slug, "q=robot+company")) == []


def test_action_filter(admin, slug, events, store):
    created = all_ids(store, AuditEvent.action == "create")
    assert ids_of(audit_page(admin, slug, "action=create&sort=id&dir=asc")) == created
    updates = all_ids(store, AuditEvent.action == "update")
    assert len(ids_of(audit_page(admin, slug, "action=update"))) == min(PAGE, len(updates))
    assert f"of {len(updates)}" in text_of(audit_page(admin, slug, "action=update"))
    # A value the filter does not offer is ignored, not an error.
    assert ids_of(audit_page(admin, slug, "action=bogus")) == sorted(events, reverse=True)[:PAGE]


def test_htmx_gets_only_the_table(admin, slug, events):
    partial = audit_page(admin, slug, "page=2", **{"HX-Request": "true", "HX-Target": "list-audit"})
    assert partial.status_code == 200
    body = partial.get_data(as_text=True)
    assert "<html" not in body and "<table" in body
    assert ids_of(partial) == sorted(events, reverse=True)[PAGE:2 * PAGE]
    # Another target on the page gets the whole page.
    full = audit_page(admin, slug, "page=2", **{"HX-Request": "true", "HX-Target": "main"})
    assert "<html" in full.get_data(as_text=True)


def test_empty_list(admin, slug):
    response = audit_page(admin, slug, "q=nothing-matches-this")
    assert "Nothing to show." in text_of(response)
    assert "0–0 of 0" in text_of(response)


# ---------------------------------------------------------------- exports


def _xlsx(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    return workbook.worksheets[0]


def _csv(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    text = response.data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";")), text


def test_xlsx_export_has_the_header_and_every_filtered_row(admin, slug, events, store):
    sheet = _xlsx(audit_page(admin, slug, "export=xlsx&q=robot&sort=id&dir=asc"))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("No.", "When", "Who", "Action", "Object", "Reference", "Before", "After")
    robot = all_ids(store, AuditEvent.actor == "cli:robot")
    assert [r[0] for r in rows[1:]] == robot  # all of them, not one page
    assert all(r[2] == "cli:robot" for r in rows[1:])
    assert isinstance(rows[1][1], dt.datetime)  # a real date, not text


def test_xlsx_export_of_the_whole_list(admin, slug, events):
    sheet = _xlsx(audit_page(admin, slug, "export=xlsx"))
    assert sheet.max_row == len(events) + 1
    assert [c.value for c in sheet["A"][1:]] == sorted(events, reverse=True)  # the screen's order


def test_csv_export_has_semicolons_bom_and_the_filtered_rows(admin, slug, events, store):
    rows, text = _csv(audit_page(admin, slug, "export=csv&action=create&sort=id&dir=asc"))
    assert rows[0] == ["No.", "When", "Who", "Action", "Object", "Reference", "Before", "After"]
    assert text.splitlines()[0].count(";") == 7
    assert [int(r[0]) for r in rows[1:]] == all_ids(store, AuditEvent.action == "create")
    assert all(r[3] == "create" for r in rows[1:])


FORMULAS = ['=HYPERLINK("http://x","y")', "+32 81 22 33 44", "-2+3", "@SUM(A1:A2)"]


@pytest.fixture
def formula_users(store):
    for n, name in enumerate(FORMULAS):
        add_user(store, f"formula{n}", "sales", display_name=name)


def test_xlsx_never_writes_a_formula(admin, slug, formula_users):
    sheet = _xlsx(admin.get(f"/c/{slug}/users/?export=xlsx&q=formula&sort=username&dir=asc"))
    names = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in names] == FORMULAS
    assert all(c.data_type == "s" for c in names)
    hyperlink = admin.get(f"/c/{slug}/users/?export=xlsx&q=HYPERLINK")
    [cell] = [row[1] for row in _xlsx(hyperlink).iter_rows(min_row=2)]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","y")', "s")


def test_csv_neutralises_formulas_with_an_apostrophe(admin, slug, formula_users):
    rows, _ = _csv(admin.get(f"/c/{slug}/users/?export=csv&q=formula&sort=username&dir=asc"))
    assert [r[1] for r in rows[1:]] == ["'" + name for name in FORMULAS]
    assert [r[0] for r in rows[1:]] == [f"formula{n}" for n in range(len(FORMULAS))]  # plain text untouched


def test_exports_respect_roles(client, slug, store):
    add_user(store, "karim", "cashier")
    sign_in(client, slug, username="karim", password=USER_PASSWORD)
    assert audit_page(client, slug, "export=xlsx").status_code == 403
    assert client.get(f"/c/{slug}/users/?export=csv").status_code == 403


def test_csv_keeps_numbers_as_numbers(store, app):
    # A money column: a credit of -12,50 € must stay a number for the spreadsheet, not become text.
    spec = listing.ListSpec(
        name="amounts", query=lambda: AuditEvent.select(),
        columns=(listing.Column("id", "No.", AuditEvent.id, kind="number"),
                 listing.Column("amount", "Amount", AuditEvent.id, kind="money", value=lambda e: -1250 * e.id),
                 listing.Column("delta", "Delta", AuditEvent.id, kind="number", value=lambda e: -e.id)),
        default_sort="id")
    with store.session(), app.test_request_context():
        stream = io.BytesIO()
        listing.write_csv(spec, listing.ListState(sort="id"), stream)
        xlsx = io.BytesIO()
        listing.write_xlsx(spec, listing.ListState(sort="id"), xlsx)
    rows = list(csv.reader(io.StringIO(stream.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["1", "-12,50", "-1"]
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    assert [c.value for c in sheet[2]] == [1, -12.5, -1]
    assert sheet["B2"].data_type == "n"


# ---------------------------------------------------------------- cost of a page


def _statements(store, client, url) -> list[str]:
    seen = []

    def trace(_cursor, sql, _bindings):
        seen.append(sql)
        return True

    connection = store.database.connection()  # this thread's: the test client serves in this thread
    connection.exec_trace = trace
    try:
        response = client.get(url)
    finally:
        connection.exec_trace = None
    assert response.status_code == 200
    return seen


@pytest.mark.parametrize("query", ["", "page=2", "q=robot&action=update&sort=actor&dir=desc"])
def test_query_count_does_not_grow_with_the_table(admin, slug, store, query):
    make_events(store, 100)
    url = f"/c/{slug}/audit/?{query}"
    small = _statements(store, admin, url)
    make_events(store, 900)
    large = _statements(store, admin, url)
    assert len(ids_of(admin.get(url))) == PAGE
    assert len(large) == len(small), (small, large)
    assert 2 <= len(small) <= 4, small  # the user, one COUNT, one page
