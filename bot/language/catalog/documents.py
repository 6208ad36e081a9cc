"""The words of the documents answers (an announcement, its source, why, the glossary, the partners,
the order of the memoranda) and of small talk, in Japanese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # Lists and ordinals as these answers write them.
    "documents_year": {"ja": "${year}年", "en": "${year}"},
    "documents_ordinal": {"ja": "${number}例目", "en": "${number}th"},
    "documents_ordinal_st": {"ja": "${number}例目", "en": "${number}st"},
    "documents_ordinal_nd": {"ja": "${number}例目", "en": "${number}nd"},
    "documents_ordinal_rd": {"ja": "${number}例目", "en": "${number}rd"},
    "documents_verdict": {"ja": "${verdict}。${lead}", "en": "${verdict}. ${lead}"},
    "documents_quoted": {"ja": "「${text}」", "en": "“${text}”"},
    # 「それってどこの情報?」
    "documents_source_title": {"ja": "${label}の出典", "en": "Source of the ${label}"},
    "documents_source_title_of": {"ja": "${names}の${label}の出典", "en": "Source of the ${label} of ${names}"},
    "documents_content": {"ja": "内容", "en": "content"},
    # An announcement, its day and its fields.
    "documents_announced_on": {
        "ja": "${date}に${issuer}が「${title}」を発表しました。",
        "en": "On ${date}, ${issuer} announced “${title}”.",
    },
    "documents_announcement_of": {"ja": "${date}の発表", "en": "Announcement of ${date}"},
    "documents_field": {"ja": "${label}：${text}", "en": "${label}: ${text}"},
    "documents_field_is": {"ja": "${label}は「${text}」です。", "en": "${label}: ${text}."},
    "documents_each_announcement": {"ja": "各発表の${label}", "en": "${label} of each announcement"},
    "documents_no_city_office_contact": {
        "ja": "${names}の役所の${label}は資料にありません。資料にあるのは発表の問い合わせ先です。",
        "en": "The documents do not give the ${label} of the ${names} city office; they give the "
        "announcement's contact.",
    },
    "documents_contact_given_is": {"ja": "資料にある問い合わせ先: ${title}", "en": "The contact they give: ${title}"},
    "documents_not_in_announcement": {
        "ja": "${names}の発表${titles}には${label}の記載がありません。",
        "en": "The announcement ${titles} about ${names} does not give the ${label}.",
    },
    # Why.
    "documents_purpose": {"ja": "覚書の趣旨・目的", "en": "Purpose of the memoranda"},
    "documents_purpose_with": {"ja": "${names}との覚書の趣旨・目的", "en": "Purpose of the memorandum with ${names}"},
    # The glossary.
    "documents_term_title": {"ja": "${terms}とは", "en": "What ${terms} means"},
    "documents_term": {"ja": "${term}（${expansion}）", "en": "${term} (${expansion})"},
    "documents_term_in_project": {
        "ja": "${partner}のプロジェクト「${project}」に出てきます。",
        "en": "It appears in the project “${project}” of ${partner}.",
    },
    "documents_project_of": {
        "ja": "${names}のプロジェクト「${project}」です。",
        "en": "It is the project “${project}” of ${names}.",
    },
    # Whose, and the partners.
    "documents_whose": {"ja": "${names}の資料です。", "en": "That is from the documents about ${names}."},
    "documents_no_memorandum_in": {
        "ja": "いいえ。${years}の覚書は資料にありません。",
        "en": "No. The documents have no memorandum from ${years}. ",
    },
    "documents_partners": {
        "ja": "${issuer}が覚書を締結した市: ${names}",
        "en": "Cities with a memorandum with ${issuer}: ${names}",
    },
    "documents_partners_lead": {
        "ja": "${lead}${names}と覚書を締結しています。",
        "en": "${lead}The bureau has memoranda with ${names}.",
    },
    "documents_partner_line": {"ja": "${partner} — ${parts}", "en": "${partner} — ${parts}"},
    "documents_announced": {"ja": "${date}発表「${title}」", "en": "announced ${date}: “${title}”"},
    "documents_nth": {"ja": "${nth}", "en": "the ${nth} memorandum"},
    "documents_ceremony_on": {"ja": "締結式 ${date}", "en": "signing ceremony ${date}"},
    "documents_ask_overview": {"ja": "${city}の概要は?", "en": "What is the ${city} memorandum about?"},
    # After the list of partners (its topic is remembered), a partner's main items say what it is about.
    "documents_ask_partner": {"ja": "${city}の概要は?", "en": "What are ${city}'s cooperation items?"},
    # The order of the memoranda.
    "documents_no_nth": {
        "ja": "${nth}の覚書は資料にありません。資料にある最新は${last}の${partner}です。",
        "en": "The documents have no ${nth} memorandum. The latest they have is the ${last}, with ${partner}.",
    },
    "documents_nth_is": {"ja": "${nth}は${partner}です。", "en": "The ${nth} memorandum is with ${partner}."},
    "documents_partner_nth": {
        "ja": "${partner}との覚書は${nth}です。",
        "en": "The memorandum with ${partner} is the ${nth}.",
    },
    # A batch line (`app.py ask --json -`) that cannot be asked: the JSON interface speaks English.
    "batch_not_json": {"ja": "JSON オブジェクトではありません", "en": "not a JSON object"},
    "batch_needs_question": {
        "ja": "会話の行には質問 \"q\"（文字列）が必要です",
        "en": 'a conversation line needs a question "q" (text)',
    },
    "batch_bad_conversation": {
        "ja": "\"conversation\" は文字列か数値にしてください",
        "en": '"conversation" must be text or a number',
    },
    # Small talk, help, and what points at nothing.
    "talk_for_example": {"ja": "例えば次のように聞いてください。", "en": "For example, you can ask:"},
    "talk_pick_example": {
        "ja": "次の例から選ぶか、そのまま質問を入力してください。",
        "en": "Pick one of these examples, or just type your question.",
    },
    "talk_thanks": {
        "ja": "どういたしまして。ほかにもどうぞ。",
        "en": "You're welcome. Feel free to ask anything else.",
    },
    "talk_hello": {"ja": "こんにちは。連携ボットです。", "en": "Hello, I'm Renkei Bot."},
    "talk_which_one": {
        "ja": "どの市（どなた）についてのお尋ねでしょうか?",
        "en": "Which city (or whom) do you mean?",
    },
    "talk_ask_away": {"ja": "ご質問をどうぞ。", "en": "Please go ahead with your question."},
    "talk_unreadable": {
        "ja": "ご質問を読み取れませんでした。文字で質問してください。",
        "en": "I could not read a question in that. Please ask in words.",
    },
}
