"""Any admin list, as filtered and searched, to CSV and XLSX: the page's columns under their
labels, statuses by their names, codes with their names; only the rows the filter shows."""

import csv
import io

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def authorizations(authorization_factory, enterprise_factory):
    owner = enterprise_factory(roles=("owner",), name="出口货主有限公司")
    broker = enterprise_factory(roles=("broker",), name="口岸报关有限公司")
    waiting = authorization_factory(owner, broker, status="under_review")
    approved = authorization_factory(owner, broker, status="approved")
    return waiting, approved


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_csv_holds_the_queue_as_filtered_with_labels(reviewer_client, authorizations):
    waiting, approved = authorizations
    response = reviewer_client.get("/admin/authorization/authorization/export/csv/?queue=waiting")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="authorization-')
    rows = _csv(response)
    header = rows[0]
    assert "action_checkbox" not in header and "status" not in header
    assert header[:3] == ["委托编号", "委托方名称", "被委托方名称"]
    numbers = [row[header.index("委托编号")] for row in rows[1:]]
    assert numbers == [waiting.number]  # the approved one is not in the waiting queue
    status = rows[1][header.index("状态")]
    assert status == "海关审核中"
    assert rows[1][header.index("已逾期")] in ("是", "否")


def test_the_search_applies_to_the_export(reviewer_client, authorizations):
    waiting, approved = authorizations
    rows = _csv(
        reviewer_client.get(f"/admin/authorization/authorization/export/csv/?queue=all&q={approved.number}")
    )
    assert len(rows) == 2 and approved.number in rows[1]


def test_the_xlsx_parses_back_with_the_same_labels(reviewer_client, authorizations):
    waiting, _approved = authorizations
    response = reviewer_client.get("/admin/authorization/authorization/export/xlsx/?queue=waiting")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert rows[1][header.index("委托编号")] == waiting.number
    assert rows[1][header.index("状态")] == "海关审核中"


def test_codes_are_exported_with_their_names(staff_factory, otp_client_factory, make_declared):
    make_declared(status="under_review", country="502")
    client = otp_client_factory(staff_factory("risk_officer"))
    rows = _csv(client.get("/admin/channels/redlist/export/csv/"))
    header = rows[0]
    assert rows[1][header.index("运抵国（地区）")] == "502 美国"


def test_the_list_page_links_to_the_export_with_its_filters(reviewer_client, authorizations):
    html = reviewer_client.get("/admin/authorization/authorization/?queue=all").content.decode()
    assert 'href="/admin/authorization/authorization/export/csv/?queue=all"' in html
    assert 'href="/admin/authorization/authorization/export/xlsx/?queue=all"' in html
