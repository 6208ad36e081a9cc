"""Normalisation and readings: the library-backed keys everything else compares."""

from __future__ import annotations

import pytest

from bot.language.text import char_readings, latin_words, reading_of, romaji_to_katakana, to_key, tokenize


@pytest.mark.parametrize("spelling", ["オビヒロ", "おびひろ", "ｵﾋﾞﾋﾛ", "オ ビ ヒ ロ", "「おびひろ」"])
def test_width_kana_and_punctuation_fold_to_one_key(spelling: str) -> None:
    assert to_key(spelling) == "オビヒロ"


def test_full_width_digits_and_letters_fold() -> None:
    assert to_key("３市　ＭａａＳ？") == "3市maas"


def test_readings_meet_kana() -> None:
    assert reading_of("帯広") == "オビヒロ" == to_key("おびひろ")
    assert reading_of("連携事項") == "レンケイジコウ"


def test_homophone_kanji_share_char_readings() -> None:
    assert char_readings("室欄") == char_readings("室蘭")
    assert char_readings("旭河") == char_readings("旭川")


def test_place_names_are_tagged() -> None:
    tokens = tokenize("小樽の連携事項")
    assert tokens[0].surface == "小樽" and tokens[0].is_place
    assert not tokens[-1].is_place


def test_romaji() -> None:
    assert romaji_to_katakana("sapporo") == "サッポロ"
    assert romaji_to_katakana("qwrt") == ""
    assert latin_words("Cooperation Items!") == ["cooper", "item"]  # English stems (snowball)
    assert latin_words("Who attends Muroran's ceremony?") == ["who", "attend", "muroran", "ceremoni"]


def test_threads_tokenize_at_once_each_with_its_own_tokenizer() -> None:
    # Issue 20, item 3: one Sudachi tokenizer shared by two threads raises "Tokenizer is already
    # in use" (a reload builds in a thread while answers tokenize on the loop).
    import threading

    from bot.language.text import get_tokenizer

    errors: list[BaseException] = []
    tokenizers: list[object] = []

    def work() -> None:
        tokenizers.append(get_tokenizer())
        try:
            for _ in range(2_000):
                tokenize("室蘭市の締結式の場所は北見市大通西3丁目1番地1ですか")
        except Exception as error:  # the failure under test
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({id(tokenizer) for tokenizer in tokenizers}) == 3
