"""The words of the answers that look facts up — one value, a passage, a person, a word's mentions,
what the documents lack — in Japanese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # A list item in a plain-text answer (bot.answering.answer.to_text).
    # Joining what a question named or the documents hold (「IoT・AI」, 「旭川市・帯広市」).
    "word_separator": {"ja": "・", "en": ", "},
    "quoted": {"ja": "「${word}」", "en": "“${word}”"},
    "answer_is": {"ja": "${answer}です。", "en": "${answer}."},
    # One field or list of the partners asked (slots).
    "each_city": {"ja": "各市", "en": "Every city"},
    "overview_of": {"ja": "${partners}との覚書の概要", "en": "The memorandum with ${partners}: overview"},
    "ask_overview": {"ja": "${partner}の概要は?", "en": "What is the memorandum with ${partner} about?"},
    "nearest_note": {
        "ja": "${partners}の${missing}としての記載はないため、近い記載をお示しします。",
        "en": "The documents give no ${missing} for ${partners}; here is the nearest they give.",
    },
    "attended_ceremonies": {"ja": "出席する締結式", "en": "Signing ceremonies attended"},
    "continued_note": {
        "ja": "前の質問に続けて、${partners}について回答しています。",
        "en": "Continuing from the previous question, this is about ${partners}.",
    },
    "missing_words_note": {
        "ja": "${words}についての記載は資料にありません。分かることをお示しします。",
        "en": "The documents say nothing about ${words}; here is what they do say.",
    },
    "foreign_places_note": {
        "ja": "${places}との覚書は資料にないため、回答に含めていません。",
        "en": "The documents have no memorandum with ${places}, so the answer leaves it out.",
    },
    "no_address_note": {
        "ja": "住所は資料に記載がありません。場所をお示しします。",
        "en": "The documents give no address; here is the place.",
    },
    "nothing_for": {
        "ja": "${partners}の${topic}は資料に記載がありません。",
        "en": "The documents give no ${topic} for ${partners}.",
    },
    "nothing_in_documents": {
        "ja": "資料（${documents}）に${topic}の記載はありません。",
        "en": "The documents (${documents}) do not mention the ${topic}.",
    },
    # A plan's period, labelled by the plan (bot.knowledge.facts writes 「${plan}の期間」).
    "plan_period": {"ja": "${plan}の期間", "en": "Period of ${plan}"},
    # A passage the content points at (passages).
    "field:ceremony_when": {"ja": "日時", "en": "date and time"},
    "field:ceremony_where": {"ja": "場所", "en": "place"},
    "field:address": {"ja": "住所", "en": "address"},
    "no_field_of": {
        "ja": "${thing}の${field}は資料に記載がありません。",
        "en": "The documents give no ${field} for ${thing}.",
    },
    "unknown_words_note": {
        "ja": "${words}に当たる言葉は資料にないため、関連する記載をお示しします。",
        "en": "The documents have no word for ${words}; here is what relates to it.",
    },
    "nothing_on_about": {
        "ja": "${partners}について${words}に当たる記載は資料にありません。",
        "en": "The documents say nothing of ${words} about ${partners}.",
    },
    "nothing_on": {
        "ja": "${words}に当たる記載は資料にありません。",
        "en": "The documents say nothing of ${words}.",
    },
    # People (people).
    "namesakes": {
        "ja": "「${name}」さんは資料に${count}人います。",
        "en": "The documents name ${count} people called “${name}”.",
    },
    "contact_person_of": {
        "ja": "${document}のお問い合わせ先の担当者",
        "en": "Person in charge of the contact for ${document}",
    },
    "ceremonies_attended": {"ja": "出席する締結式: ${events}", "en": "Signing ceremonies attended: ${events}"},
    "event_on": {"ja": "${event}（${date}）", "en": "${event}, ${date}"},
    # What the documents lack (absence).
    "no_memorandum_with": {
        "ja": "${places}との覚書は資料にありません。",
        "en": "The documents have no memorandum with ${places}.",
    },
    "memoranda_are_with": {
        "ja": "資料にある${issuer}の覚書の締結先は${partners}です。",
        "en": "The memoranda of ${issuer} in the documents are with ${partners}.",
    },
    "no_value_for": {
        "ja": "${partners}の${value}に当たる記載は資料にありません。",
        "en": "The documents give no ${value} for ${partners}.",
    },
    "no_value": {"ja": "${value}に当たる記載は資料にありません。", "en": "The documents give no ${value}."},
    # The kinds of value no fact may have (bot.language.question.VALUE_KINDS), by their Japanese label.
    "value:金額": {"ja": "金額", "en": "amount (budget or cost)"},
    "value:年齢": {"ja": "年齢", "en": "age"},
    "value:職員数": {"ja": "職員数", "en": "number of staff"},
    "value:人口": {"ja": "人口", "en": "population"},
    "value:天気": {"ja": "天気", "en": "weather"},
    "value:面積": {"ja": "面積", "en": "area"},
    "value:任期": {"ja": "任期", "en": "term of office"},
    "value:その後の経過": {"ja": "その後の経過", "en": "later developments"},
    "value:有効期間": {"ja": "有効期間", "en": "period of validity"},
    "value:企業名": {"ja": "企業名", "en": "company names"},
    "value:発言": {"ja": "発言", "en": "remarks or speeches"},
    "value:配信": {"ja": "配信", "en": "streaming or broadcast"},
    "value:行き方": {"ja": "行き方", "en": "directions"},
    # Where a word occurs (retrieval).
    "yes_lead": {"ja": "はい。", "en": "Yes. "},
    "no_lead": {"ja": "いいえ。", "en": "No. "},
    "found_in": {
        "ja": "${lead}${words}は${owners}の記載にあります${more}。",
        "en": "${lead}The documents mention ${words} under ${owners}${more}.",
    },
    "found_more": {"ja": "（ほか${count}件）", "en": " (and ${count} more)"},
    "not_in_documents": {"ja": "${words}は資料にありません。", "en": "The documents do not mention ${words}."},
}
