"""Realistic Chinese buyer data for the simulators, the demo and the benchmarks.

Everything is drawn from a caller's ``random.Random``, so a seed gives the same buyers every
time; nothing here touches the network or a database. The region table is small on purpose
(a few cities and districts per province, not a national database) but shaped like what the
platforms send: full province names, municipalities whose city is the municipality itself
or 市辖区, county-level cities directly under a province (Taobao sends an empty city and the
county-level city as the district), remote regions (新疆, 西藏, 青海, 内蒙古 …) present at a
low rate. A small share of buyer messages is hostile on purpose (label commands, spreadsheet
formulas, SQL, quotes, line breaks, emoji): every output the program writes must survive it.

Pure standard library; each call costs a few microseconds (the sync benchmark draws
100,000 orders).
"""

from __future__ import annotations

import random
from itertools import accumulate

from ecerp_desktop.domain.platform_order import Address

# province, zip prefix (2 digits), weight (roughly online-order volume), remote?,
# "city:district,district;city:…". A city written "=XX市" is a county-level city directly
# under the province: Taobao sends it with an empty city and the county as the district.
_REGIONS: tuple[tuple[str, str, int, bool, str], ...] = (
    ("北京市", "10", 50, False, "北京市:朝阳区,海淀区,东城区,西城区,丰台区,昌平区,大兴区"),
    ("上海市", "20", 55, False, "上海市:浦东新区,徐汇区,静安区,闵行区,杨浦区,宝山区,松江区"),
    ("天津市", "30", 15, False, "天津市:和平区,南开区,河西区,滨海新区,西青区"),
    ("重庆市", "40", 20, False, "重庆市:渝中区,江北区,南岸区,沙坪坝区,九龙坡区,渝北区"),
    ("河北省", "05", 25, False,
     "石家庄市:长安区,桥西区,裕华区;唐山市:路北区,路南区;保定市:竞秀区,莲池区;"
     "邯郸市:丛台区,邯山区;廊坊市:广阳区,安次区"),
    ("山西省", "03", 12, False,
     "太原市:小店区,迎泽区,杏花岭区;大同市:平城区,云冈区;运城市:盐湖区;长治市:潞州区"),
    ("内蒙古自治区", "01", 6, True,
     "呼和浩特市:新城区,回民区,赛罕区;包头市:昆都仑区,青山区;鄂尔多斯市:东胜区,康巴什区;"
     "呼伦贝尔市:海拉尔区;赤峰市:红山区,松山区"),
    ("辽宁省", "11", 18, False,
     "沈阳市:和平区,沈河区,皇姑区,浑南区;大连市:中山区,沙河口区,甘井子区;鞍山市:铁东区;"
     "锦州市:古塔区"),
    ("吉林省", "13", 9, False, "长春市:朝阳区,南关区,绿园区;吉林市:船营区,昌邑区;延边朝鲜族自治州:延吉市"),
    ("黑龙江省", "15", 10, False,
     "哈尔滨市:南岗区,道里区,香坊区,松北区;齐齐哈尔市:龙沙区,建华区;大庆市:萨尔图区;牡丹江市:东安区"),
    ("江苏省", "21", 60, False,
     "南京市:玄武区,秦淮区,鼓楼区,江宁区;苏州市:姑苏区,吴中区,工业园区,昆山市;"
     "无锡市:梁溪区,滨湖区,江阴市;常州市:天宁区,武进区;南通市:崇川区,通州区;徐州市:云龙区,鼓楼区"),
    ("浙江省", "31", 65, False,
     "杭州市:西湖区,上城区,拱墅区,滨江区,余杭区,萧山区;宁波市:海曙区,鄞州区,江北区;"
     "温州市:鹿城区,瓯海区,乐清市;金华市:婺城区,义乌市,东阳市;绍兴市:越城区,柯桥区;"
     "台州市:椒江区,温岭市"),
    ("安徽省", "23", 20, False,
     "合肥市:蜀山区,包河区,庐阳区,瑶海区;芜湖市:镜湖区,鸠江区;蚌埠市:蚌山区;阜阳市:颍州区;"
     "安庆市:迎江区"),
    ("福建省", "35", 30, False,
     "福州市:鼓楼区,台江区,仓山区;厦门市:思明区,湖里区,集美区;泉州市:丰泽区,鲤城区,晋江市;"
     "漳州市:芗城区;莆田市:城厢区"),
    ("江西省", "33", 14, False, "南昌市:东湖区,西湖区,红谷滩区;赣州市:章贡区,南康区;九江市:浔阳区;上饶市:信州区"),
    ("山东省", "25", 40, False,
     "济南市:历下区,市中区,槐荫区,历城区;青岛市:市南区,市北区,崂山区,黄岛区;烟台市:芝罘区,莱山区;"
     "潍坊市:奎文区,潍城区;临沂市:兰山区,罗庄区"),
    ("河南省", "45", 30, False,
     "郑州市:金水区,中原区,二七区,管城回族区;洛阳市:西工区,洛龙区;开封市:鼓楼区,龙亭区;"
     "新乡市:红旗区;南阳市:宛城区,卧龙区;=济源市:济源市"),
    ("湖北省", "43", 28, False,
     "武汉市:江汉区,江岸区,武昌区,洪山区,汉阳区;宜昌市:西陵区,伍家岗区;襄阳市:襄城区,樊城区;"
     "荆州市:沙市区,荆州区;=仙桃市:仙桃市;=潜江市:潜江市;=天门市:天门市"),
    ("湖南省", "41", 25, False,
     "长沙市:岳麓区,芙蓉区,天心区,开福区,雨花区;株洲市:天元区,芦淞区;湘潭市:岳塘区,雨湖区;"
     "衡阳市:蒸湘区,石鼓区;岳阳市:岳阳楼区"),
    ("广东省", "51", 80, False,
     "广州市:天河区,越秀区,海珠区,白云区,番禺区;深圳市:南山区,福田区,罗湖区,宝安区,龙岗区;"
     "佛山市:禅城区,南海区,顺德区;东莞市:;中山市:;珠海市:香洲区,金湾区;汕头市:金平区,龙湖区"),
    ("广西壮族自治区", "53", 14, False,
     "南宁市:青秀区,兴宁区,西乡塘区;柳州市:城中区,鱼峰区;桂林市:秀峰区,七星区;北海市:海城区"),
    ("海南省", "57", 6, False,
     "海口市:龙华区,美兰区,秀英区;三亚市:吉阳区,天涯区;=五指山市:五指山市;=琼海市:琼海市;"
     "=文昌市:文昌市"),
    ("四川省", "61", 35, False,
     "成都市:锦江区,青羊区,武侯区,成华区,金牛区,双流区;绵阳市:涪城区,游仙区;德阳市:旌阳区;"
     "南充市:顺庆区;宜宾市:翠屏区;甘孜藏族自治州:康定市"),
    ("贵州省", "55", 10, False, "贵阳市:南明区,云岩区,观山湖区;遵义市:红花岗区,汇川区;六盘水市:钟山区;安顺市:西秀区"),
    ("云南省", "65", 12, False,
     "昆明市:五华区,盘龙区,官渡区,西山区;大理白族自治州:大理市;曲靖市:麒麟区;玉溪市:红塔区;"
     "西双版纳傣族自治州:景洪市"),
    ("西藏自治区", "85", 2, True, "拉萨市:城关区,堆龙德庆区;日喀则市:桑珠孜区;林芝市:巴宜区;阿里地区:噶尔县"),
    ("陕西省", "71", 18, False, "西安市:雁塔区,碑林区,未央区,长安区,新城区;宝鸡市:渭滨区,金台区;咸阳市:秦都区;榆林市:榆阳区"),
    ("甘肃省", "73", 6, True, "兰州市:城关区,七里河区,安宁区;天水市:秦州区;酒泉市:肃州区;张掖市:甘州区"),
    ("青海省", "81", 2, True, "西宁市:城中区,城东区,城西区;海东市:乐都区;海西蒙古族藏族自治州:格尔木市"),
    ("宁夏回族自治区", "75", 3, True, "银川市:兴庆区,金凤区,西夏区;石嘴山市:大武口区;吴忠市:利通区"),
    ("新疆维吾尔自治区", "83", 5, True,
     "乌鲁木齐市:天山区,沙依巴克区,新市区,水磨沟区;克拉玛依市:克拉玛依区;喀什地区:喀什市;"
     "伊犁哈萨克自治州:伊宁市;=石河子市:石河子市"),
)

PROVINCES: tuple[str, ...] = tuple(r[0] for r in _REGIONS)
REMOTE_PROVINCES: frozenset[str] = frozenset(r[0] for r in _REGIONS if r[3])
MUNICIPALITIES: frozenset[str] = frozenset({"北京市", "上海市", "天津市", "重庆市"})


def _parse() -> list[tuple[str, str, list[tuple[str, bool, tuple[str, ...]]]]]:
    out = []
    for province, zip2, _w, _remote, spec in _REGIONS:
        cities = []
        for part in spec.split(";"):
            city, _, districts = part.partition(":")
            direct = city.startswith("=")
            cities.append((city.lstrip("="), direct,
                           tuple(d for d in districts.split(",") if d)))
        out.append((province, zip2, cities))
    return out


_TABLE = _parse()
_CUM_WEIGHTS = list(accumulate(r[2] for r in _REGIONS))

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
            "万钱严覃武戴莫孔向汤")
_COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "慕容", "尉迟")
_GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英玉兰萍毅浩宇轩子涵梓涵一诺欣怡"
          "雨泽晨曦思远佳怡俊杰志强海燕建华晓东文博嘉懿若汐梦瑶浩然天佑紫萱诗琪博文晓明春梅丹丹")
_MINORITY_NAMES = ("阿依古丽", "买买提·艾力", "古丽娜尔", "扎西", "卓玛", "次仁多吉", "巴特尔",
                   "乌云其木格", "努尔兰", "热依汗古丽")

_MOBILE_PREFIXES = ("130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
                    "145", "147", "150", "151", "152", "153", "155", "156", "157", "158",
                    "159", "166", "173", "175", "176", "177", "178", "180", "181", "182",
                    "183", "184", "185", "186", "187", "188", "189", "191", "198", "199")

_ROADS = ("人民路", "解放路", "中山路", "建设路", "和平路", "文化路", "长江路", "黄河路", "新华路",
          "学院路", "科技路", "滨江大道", "世纪大道", "光明街", "幸福路", "团结路", "迎宾大道",
          "东风路", "朝阳路", "胜利街", "文三路", "天目山路", "深南大道", "天府大道")
_ESTATES = ("阳光花园", "锦绣家园", "翠苑小区", "金色家园", "绿城桂花园", "万科城", "碧桂园",
            "保利花园", "幸福里", "和谐家园", "丽景苑", "世纪新城", "恒大名都", "新村", "城市之光",
            "软件园", "科技大厦", "国际商务中心")
_TOWN_STEMS = ("城关", "新华", "东湖", "西湖", "南山", "北苑", "长安", "太平", "兴隆", "永安",
               "建设", "和平", "翠竹", "湖滨", "桥东", "河西", "清水", "石桥", "龙泉", "金沙")
_TOWN_KINDS = ("街道", "街道", "街道", "镇", "乡")

_ORDINARY_MESSAGES = (
    "请发顺丰", "尽快发货，谢谢", "不要发韵达", "周末不在家，请放快递柜", "送货前请打电话",
    "是送人的礼物，请不要放价格单", "麻烦包装好一点，谢谢！", "能开发票吗？", "发中通谢谢",
    "放门卫室", "颜色要和图片一样", "请帮忙检查一下有没有破损", "急用，今天能发吗", "放丰巢",
    "备注：工作日白天家里没人", "多给几个小样呗😊",
)
_HOSTILE_MESSAGES = (
    "^XZ^XA^FO0,0^FDPWNED^FS",
    "~JR~JA^XZ",
    "=cmd|'/c calc'!A1",
    "+1+1",
    "@SUM(A1:A9)",
    "-2+3",
    "' OR 1=1 --",
    "'; DROP TABLE orders; --",
    "100% _off_ \\ %_",
    "他说\"快点\"，'谢谢'",
    "第一行\r\n第二行\r第三行\n第四行",
    "TEXT \"x\",0\r\nPRINT 999\r\n",
    "\tTAB开头",
    "emoji 😀👍🏻👨‍👩‍👧‍👦🇨🇳 请发货",
    "<script>alert(1)</script>",
    "..\\..\\windows\\system32",
)
_HOSTILE_NAMES = ("=HYPERLINK(\"http://x\")", "^FD张三^FS", "O'Brien 张", "李\"四\"",
                  "王\r\n五", "😀小明", "' OR '1'='1")
_NICK_WORDS = ("小", "大", "快乐", "阳光", "星星", "月亮", "tb", "jd_", "吃货", "宝妈", "猫咪",
               "飞鱼", "蓝天", "奶茶", "小仙女", "老王", "程序员", "搬砖")


def name(rng: random.Random, hostile_rate: float = 0.0) -> str:
    """A receiver name: mostly two or three characters, some compound surnames and
    minority names; *hostile_rate* of them are hostile text."""
    if hostile_rate and rng.random() < hostile_rate:
        return rng.choice(_HOSTILE_NAMES)
    r = rng.random()
    if r < 0.01:
        return rng.choice(_MINORITY_NAMES)
    surname = rng.choice(_COMPOUND_SURNAMES) if r < 0.02 else rng.choice(SURNAMES)
    given = rng.choice(_GIVEN)
    if rng.random() < 0.55:
        given += rng.choice(_GIVEN)
    return surname + given


def phone(rng: random.Random) -> str:
    """An 11-digit mainland mobile number with a real carrier prefix."""
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def province(rng: random.Random) -> str:
    """A province drawn by (rough) order volume: remote regions are rare but present."""
    return _REGIONS[_pick_index(rng)][0]


def _pick_index(rng: random.Random) -> int:
    return rng.choices(range(len(_REGIONS)), cum_weights=_CUM_WEIGHTS)[0]


def _town(rng: random.Random) -> str:
    return rng.choice(_TOWN_STEMS) + rng.choice(_TOWN_KINDS)


def _detail(rng: random.Random) -> str:
    road = rng.choice(_ROADS)
    number = rng.randint(1, 999)
    if rng.random() < 0.2:  # villages: no building and unit
        return f"{rng.choice(_TOWN_STEMS)}村{rng.randint(1, 12)}组{rng.randint(1, 99)}号"
    estate = rng.choice(_ESTATES)
    return (f"{road}{number}号{estate}{rng.randint(1, 30)}幢{rng.randint(1, 4)}单元"
            f"{rng.randint(1, 33)}{rng.randint(1, 4):02d}室")


def address(rng: random.Random, *, province_name: str | None = None,
            hostile_rate: float = 0.0) -> Address:
    """A full receiver address as platforms send it (name, phone, region, street, zip).

    Municipalities carry the municipality (or 市辖区) as the city; county-level cities
    directly under a province carry an empty city and the county-level city as district;
    prefecture-level cities without districts (东莞, 中山) carry an empty district.
    """
    if province_name is None:
        idx = _pick_index(rng)
    else:
        idx = PROVINCES.index(province_name)
    prov, zip2, cities = _TABLE[idx]
    city_i = rng.randrange(len(cities))
    city, direct, districts = cities[city_i]
    district = rng.choice(districts) if districts else ""
    if direct:
        city = ""
    elif prov in MUNICIPALITIES and rng.random() < 0.3:
        city = "市辖区"
    zip_code = f"{zip2}{city_i % 10}{rng.randrange(1000):03d}"
    return Address(name=name(rng, hostile_rate), phone=phone(rng), province=prov, city=city,
                   district=district, town=_town(rng), detail=_detail(rng), zip_code=zip_code)


def buyer_message(rng: random.Random, *, message_rate: float = 0.25,
                  hostile_rate: float = 0.02) -> str:
    """Mostly empty; *message_rate* ordinary requests; *hostile_rate* hostile text."""
    r = rng.random()
    if r < hostile_rate:
        return rng.choice(_HOSTILE_MESSAGES)
    if r < hostile_rate + message_rate:
        return rng.choice(_ORDINARY_MESSAGES)
    return ""


def nick(rng: random.Random) -> str:
    """A platform buyer nick (淘宝昵称-like): words, digits, now and then an emoji."""
    r = rng.random()
    if r < 0.3:
        return f"tb{rng.randrange(10**9, 10**10)}"
    if r < 0.45:
        return f"jd_{rng.randrange(16**8):08x}"
    base = rng.choice(_NICK_WORDS) + rng.choice(_NICK_WORDS)
    if rng.random() < 0.05:
        base += "🌸"
    return f"{base}{rng.randint(1, 9999)}"


__all__ = ["MUNICIPALITIES", "PROVINCES", "REMOTE_PROVINCES", "SURNAMES", "address",
           "buyer_message", "name", "nick", "phone", "province"]
