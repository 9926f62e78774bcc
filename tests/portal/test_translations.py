"""The Simplified Chinese catalogue is complete, well-formed and actually used by the pages.

The UI defaults to zh-hans and msgids are English, so an untranslated or fuzzy entry is English
text shown to Chinese officials. These tests read locale/zh_Hans/LC_MESSAGES/django.po with
polib, check that the compiled .mo matches it, and render the main pages in both languages.

The compiled catalogue is build output: `make messages` (run by `make test`) creates it.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from coordination.models import LeadingGroupRole, OrgKind, OrgLevel
from portal.validators import check_uscc
from tests.factories import (
    AdminFactory,
    FunctionalLineFactory,
    LeadingGroupMemberFactory,
    NameplateFactory,
    OrgUnitFactory,
    UserFactory,
)

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# %(name)s, %(n)d, %(size)s … as Python's %-formatting reads them.
NAMED_PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
# Positional %s / %d (none are used today, but a translation must not add or drop one).
POSITIONAL_PLACEHOLDER = re.compile(r"%(?!\()[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
HTML_TAG = re.compile(r"<[^>]+>")
# The only msgids whose translation may be the msgid itself.
SAME_IN_CHINESE = {"English"}


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def _entries() -> list[polib.POEntry]:
    return [e for e in _catalogue() if not e.obsolete]


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _label(entry: polib.POEntry) -> str:
    return f"{entry.msgid!r} ({', '.join(f'{f}:{n}' for f, n in entry.occurrences[:2])})"


# --- (a) the catalogue itself --------------------------------------------------------------------


def test_header_is_filled_in():
    po = _catalogue()
    md = po.metadata
    assert md.get("Language") == "zh_Hans"
    assert md.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert md.get("Project-Id-Version") == "smartcity-portal"
    assert md.get("Content-Type") == "text/plain; charset=UTF-8"
    assert not po.metadata_is_fuzzy, "the header entry is marked fuzzy"
    placeholders = ("FULL NAME", "EMAIL@ADDRESS", "PACKAGE", "LANGUAGE <LL@li.org>", "YEAR-MO-DA")
    text = "\n".join([po.header, *md.values()])
    assert not [p for p in placeholders if p in text], "the header still has template placeholders"


def test_catalogue_has_entries():
    assert len(_entries()) > 100, "the catalogue looks empty; run makemessages (see docs)"


def test_every_entry_is_translated():
    untranslated = [_label(e) for e in _entries() if not all(t.strip() for t in _translations(e))]
    assert not untranslated, f"{len(untranslated)} untranslated entries: {untranslated}"


def test_no_entry_is_fuzzy():
    fuzzy = [_label(e) for e in _entries() if "fuzzy" in e.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries (check each, then remove the flag): {fuzzy}"


def test_plural_entries_have_exactly_the_one_chinese_form():
    wrong = [_label(e) for e in _entries() if e.msgid_plural and sorted(e.msgstr_plural) != [0]]
    assert not wrong, f"Chinese has one plural form (msgstr[0] only): {wrong}"


def test_no_translation_is_a_copy_of_the_english():
    copies = [_label(e) for e in _entries() if e.msgid not in SAME_IN_CHINESE and e.msgid in _translations(e)]
    assert not copies, f"translations identical to the English msgid: {copies}"


def test_python_format_placeholders_are_preserved():
    problems = []
    for entry in _entries():
        if "python-format" not in entry.flags:
            continue
        source = entry.msgid + entry.msgid_plural
        want = set(NAMED_PLACEHOLDER.findall(source))
        want_positional = sorted(POSITIONAL_PLACEHOLDER.findall(source.replace("%%", "")))
        for text in _translations(entry):
            got = set(NAMED_PLACEHOLDER.findall(text))
            if got != want:
                problems.append(f"{_label(entry)}: msgid has {sorted(want)}, msgstr has {sorted(got)}")
            positional = sorted(POSITIONAL_PLACEHOLDER.findall(text.replace("%%", "")))
            if positional != want_positional:
                problems.append(f"{_label(entry)}: positional {want_positional} became {positional}")
    assert not problems, "\n".join(problems)


def test_html_tags_are_preserved():
    problems = [
        _label(e)
        for e in _entries()
        for text in _translations(e)
        if sorted(HTML_TAG.findall(e.msgid)) != sorted(HTML_TAG.findall(text))
    ]
    assert not problems, f"HTML tags differ between msgid and msgstr: {problems}"


def _require_compiled_catalogue():
    if not MO_PATH.exists():
        pytest.fail(
            f"{MO_PATH.relative_to(settings.BASE_DIR)} is missing: run `make messages` "
            "(compiled translations are build output, not committed)",
            pytrace=False,
        )


def test_compiled_catalogue_is_present_and_current():
    _require_compiled_catalogue()
    compiled = {(e.msgctxt, e.msgid): _translations(e) for e in polib.mofile(str(MO_PATH)) if e.msgid}
    source = {(e.msgctxt, e.msgid): _translations(e) for e in _entries() if "fuzzy" not in e.flags}
    if compiled != source:
        pytest.fail("django.mo does not match django.po: run `make messages`", pytrace=False)


def test_validation_messages_are_precise_in_chinese():
    _require_compiled_catalogue()
    valid = "91350100M000100Y43"
    assert check_uscc(valid) == []
    with translation.override("zh-hans"):
        assert check_uscc(valid[:-1] + "4") == ["第18位校验码为4，应为3；可能有字符输入错误。"]


# --- (b) the pages use the catalogue ------------------------------------------------------------


@pytest.fixture
def chart(db):
    line = FunctionalLineFactory(code="health", name="卫生健康")
    city = OrgUnitFactory(
        code="city", name="示范市人民政府", kind=OrgKind.GOVERNMENT, level=OrgLevel.MUNICIPAL
    )
    commission = OrgUnitFactory(
        code="city-health", name="示范市卫生健康委员会", parent=city, line=line, level=OrgLevel.MUNICIPAL
    )
    OrgUnitFactory(
        code="district", name="示范区人民政府", parent=city, kind=OrgKind.GOVERNMENT, level=OrgLevel.DISTRICT
    )
    NameplateFactory(unit=commission, name="示范市中医药管理局")
    group = OrgUnitFactory(
        code="smart-city-group",
        name="示范市智慧城市建设推进组",
        parent=city,
        kind=OrgKind.LEADING_GROUP,
        level=None,
    )
    LeadingGroupMemberFactory(
        group=group, role=LeadingGroupRole.CO_LEADER, person_name="张三", represents=city
    )
    LeadingGroupMemberFactory(
        group=group, role=LeadingGroupRole.MEMBER, person_name="李四", represents=commission
    )
    return {"city": city, "commission": commission, "group": group}


@pytest.fixture
def superuser_client(client, chart):
    client.force_login(AdminFactory())
    return client


# (url, [(English, 简体中文), …]) for pages an official sees.
PAGES = [
    (
        "coordination:tree",
        [
            ("Organisation chart", "组织架构"),
            ("Log out", "退出登录"),
            ("Search", "查询"),
            ("Expand all", "全部展开"),
            ("Collapse all", "全部收起"),
            ("Working department", "工作部门"),
            ("Smart-city coordination portal", "智慧城市协同门户"),
        ],
    ),
    (
        "coordination:matrix",
        [
            ("Lines × levels", "条块矩阵"),
            ("Municipal", "市级"),
            ("District / county", "区县级"),
            ("Street / township", "街道乡镇级"),
            ("Log out", "退出登录"),
        ],
    ),
    (
        "coordination:leading-groups",
        [
            ("Leading groups", "领导小组"),
            ("2 members", "2名成员"),
            ("Log out", "退出登录"),
        ],
    ),
]


def _get(client, url, language=None, **extra):
    _require_compiled_catalogue()
    if language:
        extra["HTTP_ACCEPT_LANGUAGE"] = language
    response = client.get(url, **extra)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content.decode()


@pytest.mark.parametrize(("url_name", "pairs"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_are_in_chinese_for_a_chinese_browser(superuser_client, url_name, pairs):
    html = _get(superuser_client, reverse(url_name), "zh-hans")
    assert '<html lang="zh-hans">' in html
    assert not [en for en, _zh in pairs if en in html], "English text on a zh-hans page"
    assert not [zh for _en, zh in pairs if zh not in html], "Chinese text missing"


@pytest.mark.parametrize(("url_name", "pairs"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_are_in_english_when_asked(superuser_client, url_name, pairs):
    html = _get(superuser_client, reverse(url_name), "en")
    assert '<html lang="en">' in html
    assert not [en for en, _zh in pairs if en not in html], "English text missing"
    assert not [zh for _en, zh in pairs if zh in html], "Chinese UI text on an English page"


def test_unit_page_is_in_chinese(superuser_client, chart):
    url = reverse("coordination:unit", args=[chart["commission"].code])
    html = _get(superuser_client, url, "zh-hans")
    for zh in (
        "机构牌子",
        "主牌子",
        "下级单位",
        "下级业务单位",
        "上级业务主管单位",
        "统一社会信用代码",
        "行政区划代码",
        "条线",
    ):
        assert zh in html
    for en in ("Nameplates", "Primary", "Sub-units", "Line inferiors", "Line superior"):
        assert en not in html


def test_leading_group_page_is_in_chinese(superuser_client, chart):
    url = reverse("coordination:leading-group", args=[chart["group"].code])
    html = _get(superuser_client, url, "zh-hans")
    for zh in ("组长", "成员", "代表单位", "办公室（负责日常工作）"):
        assert zh in html
    for en in ("Co-leader", "Members", "Represents", "Office (runs daily work)"):
        assert en not in html


def test_a_browser_sending_zh_cn_gets_simplified_chinese(superuser_client):
    html = _get(superuser_client, reverse("coordination:tree"), "zh-CN,zh;q=0.9,en;q=0.8")
    assert '<html lang="zh-hans">' in html
    assert "组织架构" in html and "Organisation chart" not in html


def test_the_language_cookie_overrides_the_browser(superuser_client):
    superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _get(superuser_client, reverse("coordination:tree"), "zh-hans")
    assert "Organisation chart" in html and "组织架构" not in html


def test_login_page_in_chinese(client, db):
    html = _get(client, reverse("login"), "zh-hans")
    assert not [en for en in ("Log in", "Username", "Password") if en in html]
    assert not [zh for zh in ("登录", "用户名", "密码") if zh not in html]


def test_login_page_in_english(client, db):
    html = _get(client, reverse("login"), "en")
    assert not [en for en in ("Log in", "Username", "Password") if en not in html]
    assert not [zh for zh in ("登录", "用户名", "密码") if zh in html]


def test_forbidden_page_is_in_chinese(client, chart):
    _require_compiled_catalogue()
    client.force_login(UserFactory())  # a citizen applicant may not see the chart
    response = client.get(reverse("coordination:tree"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    assert "您的账号无权访问" in response.content.decode()


# --- (c) the default language ------------------------------------------------------------------


def test_default_language_is_simplified_chinese(client, db):
    assert settings.LANGUAGE_CODE == "zh-hans"
    html = _get(client, reverse("login"))  # no Accept-Language header at all
    assert '<html lang="zh-hans">' in html
    assert "登录" in html and "Log in" not in html


def test_an_unsupported_browser_language_falls_back_to_chinese(client, db):
    html = _get(client, reverse("login"), "fr-FR,fr;q=0.9")
    assert "登录" in html and "Log in" not in html
