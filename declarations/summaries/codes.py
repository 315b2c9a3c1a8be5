"""China Customs parameter codes the summary pages and the form show by name (common ones)."""

from django.utils.translation import gettext_lazy as _

TRANSPORT_MODES = {
    "0": _("Non-bonded zone"),
    "2": _("Waterway"),
    "3": _("Railway"),
    "4": _("Road"),
    "5": _("Air"),
    "6": _("Post"),
    "9": _("Other"),
}
# Chinese labels for the printed form, whatever the reader's language (the form is filed in Chinese)
TRANSPORT_MODES_ZH = {
    "0": "非保税区",
    "2": "水路运输",
    "3": "铁路运输",
    "4": "公路运输",
    "5": "航空运输",
    "6": "邮件运输",
    "9": "其他运输",
}
COUNTRIES_ZH = {
    "110": "中国香港", "116": "日本", "121": "中国澳门", "132": "新加坡", "133": "韩国", "136": "泰国",
    "142": "中国", "143": "台澎金马关税区", "301": "比利时", "303": "英国", "304": "德国", "305": "法国",
    "307": "意大利", "309": "荷兰", "312": "西班牙", "344": "俄罗斯", "501": "加拿大", "502": "美国",
    "601": "澳大利亚", "609": "新西兰",
}  # fmt: skip
CURRENCIES_ZH = {"110": "港币", "116": "日元", "142": "人民币", "300": "欧元", "303": "英镑", "502": "美元"}


def with_name(code: str, names: dict) -> str:
    name = names.get(code)
    return f"{name}({code})" if name else code
