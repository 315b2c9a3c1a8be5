"""One meaning per message id: the parts' Chinese catalogues never translate the same message id
(and context) two ways, and Django's own messages read in Chinese on Chinese pages."""

import re

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.core.catalogues import ROOT, catalogues, conflicts, parse, part_of

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def _part(tmp_path, name: str, body: str):
    po = tmp_path / name / "locale/zh_Hans/LC_MESSAGES/django.po"
    po.parent.mkdir(parents=True)
    po.write_text(HEADER + body, encoding="utf-8")
    return po


def test_the_parser_reads_contexts_plurals_continued_lines_and_skips_fuzzy_and_obsolete():
    entries = parse(
        HEADER
        + 'msgctxt "time"\nmsgid "Submitted"\nmsgstr "提交时间"\n\n'
        + 'msgid "Submitted"\nmsgstr "已提交"\n\n'
        + 'msgid ""\n"A long "\n"message"\nmsgstr ""\n"一条"\n"长消息"\n\n'
        + 'msgid "%d line"\nmsgid_plural "%d lines"\nmsgstr[0] "%d 行"\n\n'
        + '#, fuzzy\nmsgid "Filter"\nmsgstr "过滤器"\n\n'
        + '#~ msgid "Old"\n#~ msgstr "旧"\n\n'
        + 'msgid "Untranslated"\nmsgstr ""\n'
    )
    assert entries == {
        ("time", "Submitted"): ("提交时间",),
        ("", "Submitted"): ("已提交",),
        ("", "A long message"): ("一条长消息",),
        ("", "%d line"): ("%d 行",),
    }


def test_two_parts_translating_one_message_id_two_ways_is_a_conflict(tmp_path):
    paths = [
        _part(tmp_path, "declarations", 'msgid "Register"\nmsgstr "备案"\n\nmsgid "Filter"\nmsgstr "筛选"\n'),
        _part(tmp_path, "registration", 'msgid "Register"\nmsgstr "注册"\n\nmsgid "Filter"\nmsgstr "筛选"\n'),
    ]
    found = conflicts(paths, root=tmp_path)
    assert found == {("", "Register"): {("备案",): ["declarations"], ("注册",): ["registration"]}}


def test_a_context_tells_two_meanings_apart(tmp_path):
    paths = [
        _part(tmp_path, "declarations", 'msgctxt "goods"\nmsgid "Register"\nmsgstr "备案"\n'),
        _part(tmp_path, "registration", 'msgid "Register"\nmsgstr "注册"\n'),
    ]
    assert conflicts(paths, root=tmp_path) == {}


def test_every_part_has_its_catalogue_in_the_check():
    parts = {part_of(po) for po in catalogues()}
    assert {"portal", "registration", "authorization", "declarations", "notifications"} <= parts
    assert all(po.is_relative_to(ROOT) for po in catalogues())


def test_the_parts_catalogues_give_each_message_id_one_meaning():
    found = conflicts(catalogues())
    report = "\n".join(
        f"{ctx + ' | ' if ctx else ''}{msgid!r}: "
        + "; ".join(f"{'/'.join(strings)} ({', '.join(parts)})" for strings, parts in translations.items())
        for (ctx, msgid), translations in sorted(found.items())
    )
    assert not found, (
        f"message ids translated differently by the parts (align them or add a context):\n{report}"
    )


# --- Django's own messages ---------------------------------------------------------------------
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def test_every_password_rule_and_its_error_read_in_chinese():
    with translation.override("zh-hans"):
        texts = list(password_validation.password_validators_help_texts())
        for password in ("12345", "password", "1234567890123"):
            try:
                password_validation.validate_password(password)
            except ValidationError as exc:
                texts += exc.messages
    assert len(texts) >= 6
    english = [text for text in texts if _LATIN_WORD.search(text)]
    assert not english, english
    assert any("10" in text for text in texts)  # the portal's minimum length, in the message


@pytest.mark.django_db
def test_a_weak_password_on_the_chinese_sign_up_page_is_refused_in_chinese(client):
    from tests.registration.test_signup import signup_post

    html = client.post(
        reverse("registration:signup"),
        signup_post(password1="123", password2="123"),
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    ).content.decode()
    error = re.search(r'id="id_password1_error">(.*?)</p>', html, re.S).group(1)
    assert "密码太短" in error and "10" in error
    assert "too short" not in html and "entirely numeric" not in html


@pytest.mark.django_db
def test_a_wrong_sign_in_is_refused_in_chinese(client, trader):
    html = client.post(
        reverse("login"), {"username": trader.username, "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="zh-CN"
    ).content.decode()
    assert "请输入" in html and "Please enter" not in html
