"""China Customs' parameter code tables: the shipped edition, loading a newer one, and a code
shown with its name in the reader's language (or with a mark when the tables do not know it)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.template import Context, Template
from django.utils import translation

from customs_portal import texts
from customs_portal.code_tables import lookup
from customs_portal.code_tables.models import CustomsCode
from customs_portal.code_tables.services import SHIPPED_EDITION, SHIPPED_FILE, code_tables_load
from customs_portal.codes import Currency
from customs_portal.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_lookups():
    lookup.clear_cache()
    yield
    lookup.clear_cache()  # a test's edition is rolled back with its transaction


def edition(tmp_path, text: str, name: str = "2025-01.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def render(template: str, language: str, **context) -> str:
    with translation.override(language):
        return Template(template).render(Context(context))


# --- the shipped edition -----------------------------------------------------------------


@pytest.mark.parametrize(
    "table, code, name_zh",
    [
        ("country", "142", "中国"), ("country", "303", "英国"), ("country", "502", "美国"),
        ("country", "110", "中国香港"), ("currency", "142", "人民币"), ("currency", "502", "美元"),
        ("currency", "110", "港币"), ("currency", "300", "欧元"), ("currency", "303", "英镑"),
        ("transport", "0", "非保税区"), ("transport", "2", "水路运输"), ("transport", "5", "航空运输"),
        ("transport", "H", "边境特殊海关作业区"), ("transport", "W", "物流中心"), ("transport", "Y", "保税港区"),
        ("customs", "0100", "北京关区"), ("customs", "2200", "上海海关"), ("customs", "2201", "浦江海关"),
        ("customs", "5301", "皇岗海关"), ("unit", "001", "台"), ("unit", "007", "个"),
        ("unit", "011", "件"), ("unit", "035", "千克"), ("trade_mode", "0110", "一般贸易"),
        ("trade_mode", "1210", "保税电商"), ("trade_mode", "9610", "电子商务"),
        ("trade_mode", "9710", "跨境电商B2B直接出口"), ("trade_mode", "9810", "跨境电商出口海外仓"),
    ],
)  # fmt: skip
def test_a_fresh_database_holds_the_shipped_edition(table, code, name_zh):
    row = CustomsCode.objects.get(table=table, code=code)
    assert (row.name_zh, row.edition, row.valid_to) == (name_zh, SHIPPED_EDITION, None)
    assert row.name_en


def test_every_table_is_complete():
    counts = {
        t: CustomsCode.objects.filter(table=t).count()
        for t, _l in CustomsCode._meta.get_field("table").choices
    }
    assert counts == {
        "country": 245, "currency": 22, "transport": 20, "customs": 1369, "unit": 124, "trade_mode": 104,
    }  # fmt: skip


def test_loading_the_shipped_edition_again_changes_nothing():
    out = StringIO()
    call_command("load_code_tables", stdout=out)
    assert out.getvalue().strip() == "edition 2022-06: added 0, changed 0, retired 0, unchanged 1884"


# --- a newer edition ---------------------------------------------------------------------


NEWER = """table,code,name_zh,name_en
country,142,中国,China
country,303,大不列颠及北爱尔兰联合王国,United Kingdom of Great Britain and Northern Ireland
country,888,新国家,New Country
currency,502,美元,US Dollar
"""


def test_a_newer_edition_adds_changes_and_retires_codes_and_says_which(tmp_path):
    out = StringIO()
    call_command("load_code_tables", str(edition(tmp_path, NEWER)), "--edition", "2025-01", stdout=out)
    lines = out.getvalue().splitlines()
    assert "added country 888" in lines and "changed country 303" in lines and "retired country 502" in lines
    assert "retired currency 142" in lines and "retired unit 011" not in lines  # units: not in the file
    assert lines[-1] == "edition 2025-01: added 1, changed 1, retired 264, unchanged 2"
    uk = CustomsCode.objects.get(table="country", code="303")
    assert (uk.name_zh, uk.edition) == ("大不列颠及北爱尔兰联合王国", "2025-01")
    usa = CustomsCode.objects.get(table="country", code="502")
    assert usa.valid_to is not None and usa.name_zh == "美国"  # retired, still read by name
    assert lookup.label("country", "502", "zh-hans") == "502 美国"
    assert lookup.label("country", "888", "en") == "888 New Country"
    assert lookup.label("country", "303", "zh-hans") == "303 大不列颠及北爱尔兰联合王国"


def test_loading_the_same_newer_edition_twice_changes_nothing_the_second_time(tmp_path):
    path = edition(tmp_path, NEWER)
    code_tables_load(path=path, edition="2025-01", today=dt.date(2025, 1, 2))
    before = list(CustomsCode.objects.order_by("pk").values())
    again = code_tables_load(path=path, edition="2025-01", today=dt.date(2025, 1, 3))
    assert (again.added, again.changed, again.retired, again.unchanged) == ([], [], [], 4)
    assert list(CustomsCode.objects.order_by("pk").values()) == before


def test_a_code_listed_again_after_being_retired_comes_back(tmp_path):
    code_tables_load(path=edition(tmp_path, NEWER), edition="2025-01")
    result = code_tables_load(path=SHIPPED_FILE, edition="2025-02")
    assert ("country", "502") in result.added and ("country", "888") in result.retired
    assert CustomsCode.objects.get(table="country", code="502").valid_to is None


@pytest.mark.parametrize(
    "text, problem",
    [
        ("tabel,code,name_zh,name_en\ncountry,303,英国,UK\n", "line 1: the header must be"),
        ("table,code,name_zh,name_en\ncountry,303,英国,UK\nplanet,3,地球,Earth\n", "line 3: unknown table"),
        ("table,code,name_zh,name_en\ncountry,30 3,英国,UK\n", "line 2: code"),
        ("table,code,name_zh,name_en\ncountry,303,,UK\n", "line 2: the Chinese name is missing"),
        (
            "table,code,name_zh,name_en\ncountry,303,英国,UK\ncountry,303,英国,UK\n",
            "line 3: country 303 appears twice",
        ),
        ("table,code,name_zh,name_en\ncountry,303,英国\n", "line 2: 3 columns, 4 expected"),
        ("table,code,name_zh,name_en\n", "the file holds no codes"),
    ],
)
def test_a_malformed_file_is_refused_whole_naming_the_line_and_nothing_is_loaded(tmp_path, text, problem):
    path = edition(tmp_path, text)
    before = list(CustomsCode.objects.order_by("pk").values())
    with pytest.raises(CommandError) as error, translation.override("en"):
        call_command("load_code_tables", str(path), stdout=StringIO())
    assert "nothing was loaded" in str(error.value) and problem in str(error.value)
    assert list(CustomsCode.objects.order_by("pk").values()) == before


def test_the_malformed_file_message_reads_in_the_ops_language(tmp_path):
    path = edition(tmp_path, "table,code,name_zh,name_en\ncountry,303,,UK\n")
    with pytest.raises(ApplicationError) as error, translation.override("zh-hans"):
        code_tables_load(path=path)
    with translation.override("zh-hans"):
        assert str(error.value.message) == "代码表文件格式有误，未载入任何内容：第 2 行：缺少中文名称"


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("table,code,name_zh,name_en\ncountry,303,英国,UK\n".encode("gbk"))
    with pytest.raises(ApplicationError) as error, translation.override("en"):
        code_tables_load(path=path)
    assert error.value.code == "malformed_edition" and "not UTF-8" in str(error.value)


def test_a_good_row_is_not_loaded_when_another_row_is_bad(tmp_path):
    path = edition(tmp_path, "table,code,name_zh,name_en\ncountry,888,新国家,New\ncountry,,无,None\n")
    with pytest.raises(ApplicationError):
        code_tables_load(path=path)
    assert not CustomsCode.objects.filter(code="888").exists()


# --- showing a code ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "table, code, zh, en",
    [
        ("country", "303", "303 英国", "303 United Kingdom"),
        ("currency", "142", "142 人民币", "142 Yuan Renminbi"),
        ("transport", "5", "5 航空运输", "5 Air"),
        ("customs", "2201", "2201 浦江海关", "2201 Pujiang Customs"),
        ("unit", "011", "011 件", "011 piece"),
        ("trade_mode", "9610", "9610 电子商务", "9610 Cross-border e-commerce"),
    ],
)
def test_the_filter_shows_the_code_with_its_name_in_the_readers_language(table, code, zh, en):
    template = '{{ value|customs_code:"' + table + '" }}'
    assert render(template, "zh-hans", value=code) == zh
    assert render(template, "en", value=code) == en


def test_an_unknown_code_shows_the_code_and_a_mark_never_an_error():
    html = render('{{ value|customs_code:"country" }}', "en", value="998")
    assert html == '<span class="code-unknown" title="Unknown code">998 ?</span>'
    chinese = render('{{ value|customs_code:"country" }}', "zh-hans", value="998")
    assert "998 ?" in chinese and 'title="未知代码"' in chinese
    assert render('{{ value|customs_code:"planet" }}', "en", value="3").endswith("3 ?</span>")
    assert render('[{{ value|customs_code:"country" }}]', "en", value="") == "[]"
    assert render('{{ value|customs_code:"country" }}', "en", value='<b>"x"') == (
        '<span class="code-unknown" title="Unknown code">&lt;b&gt;&quot;x&quot; ?</span>'
    )


def test_a_page_of_codes_reads_the_tables_once(django_assert_max_num_queries):
    template = Template(
        '{% for c in codes %}{{ c|customs_code:"country" }} {{ c|customs_code:"currency" }}{% endfor %}'
    )
    with django_assert_max_num_queries(1):
        text = template.render(Context({"codes": ["142", "303", "502"] * 50}))
    assert "303 " in text
    with django_assert_max_num_queries(0):
        template.render(Context({"codes": ["142"] * 50}))


def test_a_stored_text_reads_a_currency_by_its_name_from_the_tables():
    value = texts.code(Currency, "110")
    assert texts.render(value, "en") == "Hong Kong Dollar (110)"
    assert texts.render(value, "zh-hans") == "港币 (110)"
    assert texts.render(texts.code(Currency, "998"), "en") == "998 ?"


def test_the_summary_pdf_and_csv_read_the_same_tables():
    from declarations.summaries import exports

    data = {
        "forms": [
            {
                "id": 1, "status": "draft", "ebcCode": "X", "trafMode": "5", "ownerCode": "Y",
                "arrivalCountry": "303", "portCode": "2201",
                "items": [{"gcode": "8518220000", "destinationCountry": "303", "currency": "142", "qty": "1",
                           "qty1": "1", "unit1": "011", "totalPrice": "1.00", "inventoryCount": 1}],
            }
        ]
    }  # fmt: skip
    with translation.override("zh-hans"):
        rows = exports.month_csv(data).splitlines()
    header, row = rows[0].split(","), rows[1].split(",")
    named = dict(zip(header, row, strict=True))
    assert (named["trafMode"], named["trafModeName"]) == ("5", "航空运输")
    assert (named["arrivalCountryName"], named["portCodeName"], named["currencyName"]) == (
        "英国",
        "浦江海关",
        "人民币",
    )
    assert named["unit1Name"] == "件"


def test_the_goods_form_offers_the_units_with_their_names_and_takes_a_typed_code():
    from declarations.forms import GoodsForm

    with translation.override("zh-hans"):
        html = str(GoodsForm()["unit"])
    assert 'list="codes-unit-unit"' in html and '<option value="011">011 件</option>' in html
    with translation.override("en"):
        assert '<option value="035">035 kilogram</option>' in str(GoodsForm()["unit1"])
    form = GoodsForm(data={"unit": "007"})
    form.is_valid()
    assert form.cleaned_data.get("unit") == "007"


@pytest.mark.parametrize("role", ["reviewer", "risk_officer", "ops"])
def test_customs_staff_look_codes_up_read_only_and_traders_do_not(
    role, staff_factory, otp_client_factory, trader_client
):
    client = otp_client_factory(staff_factory(role))
    page = client.get("/admin/code_tables/customscode/?q=2201")
    assert page.status_code == 200 and "浦江海关" in page.content.decode()
    row = CustomsCode.objects.get(table="customs", code="2201")
    assert (
        client.post(f"/admin/code_tables/customscode/{row.pk}/change/", {"name_zh": "x"}).status_code == 403
    )
    assert client.get("/admin/code_tables/customscode/add/").status_code == 403
    assert trader_client.get("/admin/code_tables/customscode/").status_code == 302
