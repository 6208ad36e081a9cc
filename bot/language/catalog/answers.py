"""The words every answer may use — its source line, its choices, a ceremony's status, dates, asking
back which city, the fallback — in Japanese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # How any answer is shown (plain text, Slack, Teams).
    "source": {"ja": "出典: ", "en": "Source: "},
    "source_separator": {"ja": " ／ ", "en": " / "},
    "secondary_source": {"ja": "（二次情報: ${report}）", "en": " (secondary source: ${report})"},
    "secondary_report": {"ja": "報道", "en": "a news report"},
    "choices": {"ja": "選択肢:", "en": "Choices:"},
    "related_questions": {"ja": "関連する質問:", "en": "Related questions:"},
    "section_separator": {"ja": "、", "en": ", "},
    # A ceremony's status relative to the asking time.
    "status_held": {"ja": "${event}は${date}に開催されました。", "en": "${event} was held on ${date}."},
    "status_past": {
        "ja": "${event}は予定日（${date}）を過ぎています。",
        "en": "The planned date of ${event}, ${date}, has passed.",
    },
    "status_ahead": {"ja": "${event}は開催予定です（${countdown}）。", "en": "${event} is ahead (${countdown})."},
    "countdown_days": {"ja": "あと${count}日", "en": "in ${count} days"},
    "countdown_hours": {"ja": "あと${count}時間", "en": "in ${count} hours"},
    "countdown_minutes": {"ja": "あと${count}分", "en": "in ${count} minutes"},
    "countdown_now": {"ja": "まもなく", "en": "starting now"},
    "ceremony_with": {"ja": "${partner}との覚書締結式", "en": "the signing ceremony with ${partner}"},
    # Asking back, and what it offers.
    "which_partner": {"ja": "どの市の${topic}についてお調べしますか?", "en": "Which city's ${topic} would you like?"},
    "every_partner": {"ja": "すべての市", "en": "Every city"},
    "did_you_mean": {"ja": "もしかして「${title}」のことですか?", "en": "Did you mean “${title}”?"},
    "interpreted": {"ja": "「${typed}」を「${meaning}」と解釈しました。", "en": "Read “${typed}” as “${meaning}”."},
    "secondary_note": {
        "ja": "この内容は${reports}によるもので、発表資料そのものの記載ではありません。",
        "en": "This comes from ${reports}, not from the announcement itself.",
    },
    "not_found": {
        "ja": "すみません、ご質問に当たる内容が資料に見つかりませんでした。",
        "en": "Sorry, the documents have nothing that answers this question.",
    },
    "owner_section": {"ja": "${owner} › ${section}", "en": "${owner} › ${section}"},
    "partner_topic": {"ja": "${partner}の${topic}", "en": "${partner}: ${topic}"},
    "ask_topic": {"ja": "${partner}の${topic}は?", "en": "What is the ${topic} of ${partner}?"},
    "ask_topic_every": {"ja": "各市の${topic}は?", "en": "What is the ${topic} of every city?"},
    "ask_title": {"ja": "${title}は?", "en": "${title}?"},
    "headline": {"ja": "発表のタイトル・サブタイトル", "en": "title and subtitle of the announcement"},
    # The fallback: what the bot can answer.
    "can_answer": {"ja": "お答えできること", "en": "What I can answer"},
    "can_partners": {
        "ja": "各市のテーマ・主なプロジェクト・連携・協力事項",
        "en": "Each city's theme, main projects and cooperation items",
    },
    "can_ceremonies": {
        "ja": "覚書締結式の日時・場所・出席者",
        "en": "The signing ceremonies: date, time, place and attendees",
    },
    "can_terms": {
        "ja": "関連する計画、用語（${terms}）、お問い合わせ先",
        "en": "Related plans, terms (${terms}) and the contact",
    },
    "can_plans": {"ja": "関連する計画、お問い合わせ先", "en": "Related plans and the contact"},
}
