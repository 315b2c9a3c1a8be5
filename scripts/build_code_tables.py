"""Build the shipped edition of China Customs' parameter code tables from the single window's
published parameters, as collected by github.com/guoyunhe/singlewindow (one JSON file per
parameter table). Run once per new edition; the loader (``manage.py load_code_tables``) reads
the CSV this writes.

    python scripts/build_code_tables.py DIR_WITH_JSON OUT.csv

Chinese names are the tables' own. English names: countries and currencies come from the
single window's own mapping tables (CusMappingCountryCode, CusMappingCurrencyCode); transport
modes, units and trade modes are translated here by hand (below); customs offices are
rendered from their Chinese names: known words translated ("海关" Customs, "综合保税区"
Comprehensive Bonded Zone...), place names in Hanyu Pinyin (pypinyin, requirements-dev.txt).
"""

import csv
import json
import re
import sys
from pathlib import Path

TRANSPORT_EN = {
    "0": "Non-bonded area", "1": "Supervised warehouse", "2": "Waterway", "3": "Railway",
    "4": "Road", "5": "Air", "6": "Post", "7": "Bonded zone", "8": "Bonded warehouse",
    "9": "Other", "G": "Fixed installation", "H": "Special customs operation zone at the border",
    "L": "Carried by passengers", "P": "Yangpu bonded port area", "S": "Special comprehensive bonded zone",
    "T": "Comprehensive pilot zone", "W": "Logistics centre", "X": "Logistics park",
    "Y": "Bonded port area", "Z": "Export processing zone",
}  # fmt: skip

UNIT_EN = {
    "001": "set (台)", "002": "seat (座)", "003": "vehicle", "004": "ship", "005": "aircraft",
    "006": "set (套)", "007": "piece (个)", "008": "piece (只)", "009": "head", "010": "sheet",
    "011": "piece (件)", "012": "stick (支)", "013": "stem (枝)", "014": "stick (根)",
    "015": "strip (条)", "016": "handle (把)", "017": "block", "018": "roll", "019": "pair (副)",
    "020": "slice", "021": "group", "022": "copy", "023": "picture (幅)", "025": "pair (双)",
    "026": "pair (对)", "027": "tree", "028": "plant", "029": "well", "030": "metre",
    "031": "coil (盘)", "032": "square metre", "033": "cubic metre", "034": "tube",
    "035": "kilogram", "036": "gram", "037": "pot", "038": "10,000 pieces", "039": "unit (具)",
    "040": "100 pairs", "041": "100 sticks", "042": "100 handles", "043": "100 pieces",
    "044": "100 slices", "045": "ream (刀)", "046": "bolt (疋)", "047": "quintal (100 kg)",
    "048": "leaf (扇)", "049": "100 stems", "050": "1,000 pieces (只)", "051": "1,000 blocks",
    "052": "1,000 boxes", "053": "1,000 stems", "054": "1,000 pieces", "055": "100 million sticks",
    "056": "100 million pieces", "057": "10,000 sets", "058": "1,000 sheets",
    "059": "10,000 sheets", "060": "kilovolt-ampere", "061": "kilowatt", "062": "kilowatt-hour",
    "063": "kilolitre", "067": "foot", "070": "tonne", "071": "long ton", "072": "short ton",
    "073": "picul (司马担)", "074": "catty (司马斤)", "075": "jin", "076": "pound", "077": "dan (担)",
    "078": "hundredweight", "079": "short hundredweight", "080": "liang", "081": "shi dan (市担)",
    "083": "ounce", "084": "carat", "085": "chi (市尺)", "086": "yard", "088": "inch",
    "089": "cun", "095": "litre", "096": "millilitre", "097": "imperial gallon", "098": "US gallon",
    "099": "cubic foot", "101": "cubic chi", "110": "square yard", "111": "square foot",
    "112": "square chi", "115": "imperial horsepower", "116": "metric horsepower", "118": "ream (令)",
    "120": "case", "121": "batch", "122": "can", "123": "barrel", "124": "bundle (扎)",
    "125": "bale", "126": "basket (箩)", "127": "dozen", "128": "basket (筐)", "129": "gross",
    "130": "bolt (匹)", "131": "volume", "132": "book", "133": "round", "134": "piece (枚)",
    "135": "bundle (捆)", "136": "bag", "139": "grain", "140": "box", "141": "box (合)",
    "142": "bottle", "143": "1,000 sticks", "144": "10,000 pairs", "145": "10,000 grains",
    "146": "1,000 grains", "147": "kilometre", "148": "1,000 feet", "149": "megabecquerel",
    "163": "unit (部)", "164": "100 million plants", "170": "dose (人份)",
}  # fmt: skip

TRADE_EN = {
    "0110": "General trade", "0130": "Barter trade", "0139": "Tourist shopping goods",
    "0200": "Destruction of processing materials", "0214": "Processing with supplied materials",
    "0245": "Supplied materials sold domestically", "0255": "Further processing of supplied materials",
    "0258": "Transfer of surplus supplied materials", "0265": "Re-export of supplied materials",
    "0300": "Return or exchange of supplied materials", "0314": "Diesel for processing",
    "0320": "Equipment supplied free of charge for processing",
    "0345": "Supplied-material products under tax reduction",
    "0400": "Destruction of processing scraps", "0420": "Equipment for processing trade",
    "0444": "Bonded-zone imported-material products (product tax)",
    "0445": "Bonded-zone supplied-material products (product tax)",
    "0446": "Processing equipment sold domestically", "0456": "Transfer of processing equipment",
    "0466": "Return of processing equipment", "0500": "Transfer of tax-reduced equipment",
    "0513": "Compensation trade", "0544": "Bonded-zone imported-material products (material tax)",
    "0545": "Bonded-zone supplied-material products (material tax)",
    "0615": "Processing with imported materials (matched contract)",
    "0642": "Imported-material products replacing imports",
    "0644": "Imported materials sold domestically", "0654": "Further processing of imported materials",
    "0657": "Transfer of surplus imported materials", "0664": "Re-export of imported materials",
    "0700": "Return or exchange of imported materials",
    "0715": "Processing with imported materials (unmatched contract)",
    "0744": "Imported-material products under tax reduction", "0815": "Low-value auxiliary materials",
    "0844": "Imported-material scraps sold domestically",
    "0845": "Supplied-material scraps sold domestically", "0864": "Re-export of imported-material scraps",
    "0865": "Re-export of supplied-material scraps", "1039": "Market procurement",
    "1139": "Bonded fuel and supplies for Chinese vessels", "1200": "Goods between bonded places",
    "1210": "Bonded cross-border e-commerce", "1215": "Bonded factory",
    "1233": "Bonded warehouse goods", "1234": "Bonded-zone warehousing and re-export",
    "1239": "Bonded cross-border e-commerce A", "1300": "Goods for repair", "1371": "Bonded repair",
    "1427": "Outward processing", "1500": "Leasing under 1 year", "1523": "Leasing trade",
    "1616": "Consignment and agency sales", "1741": "Duty-free goods",
    "1831": "Duty-free foreign-exchange goods", "2025": "Equipment of joint ventures",
    "2210": "Outward investment", "2225": "Equipment of foreign-invested enterprises",
    "2439": "Office goods of resident representative offices",
    "2600": "Temporary imports and exports", "2700": "Exhibition goods",
    "2939": "Display samples", "3010": "Samples and advertising goods",
    "3039": "Samples and advertising goods B (abolished)", "3100": "Replacement without charge",
    "3339": "Other free goods", "3410": "Imports for contracted projects abroad",
    "3422": "Exports for contracted projects abroad", "3511": "Aid materials",
    "3611": "Free military aid", "3612": "Donated goods", "3910": "Military equipment",
    "4019": "Border small-amount trade", "4039": "Small-amount trade with Taiwan",
    "4139": "Taiwan small-amount trade market goods", "4200": "Goods returned by missions abroad",
    "4239": "Goods bought by missions abroad", "4400": "Return or exchange of supplied-material products",
    "4500": "Direct return", "4539": "Over-landed or mis-landed imports", "4561": "Returned goods",
    "4600": "Return or exchange of imported-material products",
    "5000": "Materials into or out of special supervision zones",
    "5010": "R&D goods of special supervision zones",
    "5014": "Processing with supplied materials in special zones",
    "5015": "Processing with imported materials in special zones",
    "5033": "Warehousing goods in processing zones", "5034": "Logistics goods of special zones",
    "5100": "Products into or out of special supervision zones",
    "5200": "Scraps out of special zones",
    "5300": "Equipment into or out of special supervision zones",
    "5335": "Foreign equipment into special zones", "5361": "Return of equipment from special zones",
    "6033": "Logistics centre goods", "9500": "Later taxation of royalties",
    "9600": "Cross-border transport of domestic trade goods", "9610": "Cross-border e-commerce",
    "9639": "Goods disposed of by customs", "9700": "Later tax payment",
    "9710": "Cross-border e-commerce B2B direct export", "9739": "Other trade",
    "9800": "Leasing tax", "9810": "Cross-border e-commerce export to overseas warehouses",
    "9839": "Gifts and resales of missions", "9900": "Other",
}  # fmt: skip

COUNTRY_EN = {
    "110": "Hong Kong, China", "121": "Macao, China", "143": "Taiwan, China",
    "199": "Other Asia", "299": "Other Africa", "349": "Serbia and Montenegro", "399": "Other Europe",
    "499": "Other Latin America", "599": "Other North America", "699": "Other Oceania",
    "701": "Country (region) unknown", "702": "United Nations and international organisations",
    "999": "Neutral packaging (country of origin not stated)",
}  # fmt: skip

# words of customs office names, longest first; what is left is a place name, in pinyin
OFFICE_WORDS = {
    "中华人民共和国": "", "海关总署": "General Administration of Customs", "全部关区": "all districts",
    "特殊综合保税区": "Special Comprehensive Bonded Zone", "综合保税区": "Comprehensive Bonded Zone",
    "保税物流中心": "Bonded Logistics Centre", "保税物流园区": "Bonded Logistics Park",
    "出口加工区": "Export Processing Zone", "保税港区": "Bonded Port Area", "保税区": "Bonded Zone",
    "物流园区": "Logistics Park", "物流中心": "Logistics Centre", "国际机场": "International Airport",
    "机场": "Airport", "办事处": "Office", "关区": "Customs District", "海关": "Customs",
    "监管中心": "Supervision Centre", "监管点": "Supervision Point", "监管处": "Supervision Division",
    "监管科": "Supervision Section", "稽查处": "Audit Division", "关税处": "Tariff Division",
    "综合业务处": "General Affairs Division", "现场业务": "Field Operations", "报关点": "Declaration Point",
    "旅检": "Passenger Inspection", "快件": "Express", "邮局": "Post Office", "车站": "Station",
    "火车站": "Railway Station", "口岸": "Port of Entry", "码头": "Wharf", "港区": "Port Area",
    "分署": "Sub-administration", "集装箱": "Container", "铁路": "Railway", "公路": "Road",
    "驻": "at ", "（B型）": " (type B)", "（A型）": " (type A)", "(B型)": " (type B)",
    "（停用）": " (closed)", "(停用)": " (closed)", "加工区": "Processing Zone", "会展中心": "Exhibition Centre",
    "展览": "Exhibition", "货运": "Cargo", "开发区": "Development Zone", "工业园区": "Industrial Park",
    "北京": "Beijing", "上海": "Shanghai", "天津": "Tianjin", "广州": "Guangzhou", "深圳": "Shenzhen",
    "朝阳": "Chaoyang", "A区": " Zone A", "B区": " Zone B", "办": " Office", "处": " Division", "科": " Section",
    "/": " / ", "（": " (", "）": ")", "(": " (", ")": ")",
}  # fmt: skip
_WORDS = sorted(OFFICE_WORDS, key=len, reverse=True)


def office_en(name: str) -> str:
    from pypinyin import lazy_pinyin

    parts, rest = [], ""

    def flush():
        nonlocal rest
        if rest:
            parts.append("".join(lazy_pinyin(rest)).capitalize())
            rest = ""

    i = 0
    while i < len(name):
        word = next((w for w in _WORDS if name.startswith(w, i)), None)
        if word is None:
            rest += name[i]
            i += 1
            continue
        flush()
        parts.append(OFFICE_WORDS[word])
        i += len(word)
    flush()
    if parts and parts[-1].endswith("guan") and name.endswith("关") and len(parts[-1]) > 4:
        parts[-1] = parts[-1][: -len("guan")] + " Customs"  # "连云港关": a customs office by its short name
    text = " ".join(p for p in parts if p)
    return re.sub(r"\s+", " ", text.replace("( ", "(").replace(" )", ")")).strip()


def rows(src: Path):
    load = lambda name: json.loads((src / f"{name}.json").read_text(encoding="utf-8"))  # noqa: E731
    mapped = {r["CUSTOMS_COUNTRY_CODE"]: r for r in load("CusMappingCountryCode")}
    for r in load("CusCountry"):
        code = r["COUNTRY_CODE"]
        en = (
            COUNTRY_EN.get(code)
            or (mapped.get(code) or {}).get("COUNTRY_NAME_EN")
            or r.get("COUN_E_NAME", "")
        )
        yield "country", code, r["COUN_C_NAME"], en
    for r in sorted(load("CusMappingCurrencyCode"), key=lambda r: r["CUSTOMS_CURRENCY_CODE"]):
        yield "currency", r["CUSTOMS_CURRENCY_CODE"], r["CURRENCY_NAME_CN"], r["CURRENCY_NAME_EN"]
    for r in load("CusTransf"):
        yield "transport", r["TRAF_CODE"], r["TRAF_SPEC"], TRANSPORT_EN[r["TRAF_CODE"]]
    for r in load("CusCustoms"):
        yield "customs", r["CUSTOMS_CODE"], r["CUSTOMS_NAME"], office_en(r["CUSTOMS_NAME"])
    for r in load("CusUnit"):
        # the Chinese measure word in brackets only tells this table's entries apart
        yield (
            "unit",
            r["UNIT_CODE"],
            r["UNIT_NAME"],
            re.sub(r" \([\u4e00-\u9fff]+\)", "", UNIT_EN[r["UNIT_CODE"]]),
        )
    for r in load("CusTrade"):
        yield "trade_mode", r["TRADE_MODE"], r["ABBR_TRADE"], TRADE_EN[r["TRADE_MODE"]]


def main(src: str, out: str) -> None:
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["table", "code", "name_zh", "name_en"])
        for table, code, zh, en in rows(Path(src)):
            writer.writerow([table, code.strip(), zh.strip(), en.strip()])


if __name__ == "__main__":
    main(*sys.argv[1:3])
