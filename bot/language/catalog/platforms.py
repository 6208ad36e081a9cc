"""The renderers' words on Slack, Teams and the console (buttons, card labels, plain text), and the
words of the commands' views (list, schedule, remind list, App Home, report), in Japanese and English.

Reminder and announcement posts to channels stay Japanese (a channel has no single language)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "bot_name": {"ja": "Renkei Bot（連携ボット）", "en": "Renkei Bot"},
    # An answer as plain text (console, logs, fallback text).
    "text_label": {"ja": "【${label}】", "en": "${label}:"},
    "text_item": {"ja": "・${item}", "en": "• ${item}"},
    "text_note": {"ja": "※ ${note}", "en": "Note: ${note}"},
    # An answer on Slack and Teams.
    "asked_question": {"ja": "💬 質問: ${question}", "en": "💬 Question: ${question}"},
    "clarify_heading": {"ja": "どれについてお答えしましょうか？", "en": "Which one would you like?"},
    "status_fact": {"ja": "🗓️ 状況", "en": "🗓️ Status"},
    "source_line": {"ja": "📄 出典: ${source}", "en": "📄 Source: ${source}"},
    "vote_up": {"ja": "👍 役に立った", "en": "👍 Helpful"},
    "vote_down": {"ja": "👎 役に立たなかった", "en": "👎 Not helpful"},
    "voted": {"ja": "フィードバックありがとうございました", "en": "Thank you for the feedback"},
    "share": {"ja": "チャンネルに共有", "en": "Share in the channel"},
    "calendar_add": {"ja": "📅 カレンダーに追加", "en": "📅 Add to calendar"},
    "calendar_add_nth": {"ja": "📅 カレンダーに追加（${number}）", "en": "📅 Add to calendar (${number})"},
    "calendar_uploaded": {
        "ja": "📅 カレンダーに追加するファイルです（開くと予定を取り込めます）。",
        "en": "📅 A calendar file: open it to add the event to your calendar.",
    },
    "console_calendar": {"ja": "📅 カレンダーに追加: ${command}", "en": "📅 Add to calendar: ${command}"},
    "cut_short": {"ja": "…（長いため一部を省略しました）", "en": "… (cut short: too long)"},
    # After `remind on` in Slack: what lets the bot post in the channel (around the command to type).
    "slack_join_before": {
        "ja": "ボットがチャンネルにいない場合は ",
        "en": "If the bot is not in the channel, invite it with ",
    },
    "slack_join_after": {"ja": " で招待してください。", "en": "."},
    # The Teams app package's manifest (in Japanese: the app's default language).
    "teams_app_short": {
        "ja": "覚書の連携事項・プロジェクト・締結式に答えるボット",
        "en": "Answers questions on the memoranda: cooperation, projects, ceremonies",
    },
    "teams_app_full": {
        "ja": "${issuer}と${names}の覚書（発表${count}件）について、連携・協力事項、"
              "プロジェクト、締結式の日時・場所・出席者、問い合わせ先に答えます。個人チャットでは質問をそのまま、"
              "チャネルとグループチャットでは @Renkei Bot にメンションして質問してください。"
              "「remind on」で締結式・イベントのリマインダーを受け取れます。",
        "en": "Answers questions about the memoranda of ${issuer} with ${names} (${count} announcements): "
              "cooperation items, projects, the signing ceremonies (date, place, attendees) and the contact. "
              "In a personal chat, just send the question; in channels and group chats, mention @Renkei Bot. "
              "Type remind on to receive reminders of ceremonies and events.",
    },
    # A user a platform cannot name (Teams without a display name; the console's own user).
    "unnamed_member": {"ja": "メンバー", "en": "a member"},
    "console_you": {"ja": "あなた", "en": "you"},
    # list, schedule and App Home.
    "list_title": {"ja": "覚書を締結した市とテーマ", "en": "Partner cities and their themes"},
    "list_theme": {"ja": "テーマ: ${theme}", "en": "Theme: ${theme}"},
    "list_line": {"ja": "${name}（${theme}）", "en": "${name} (${theme})"},
    "schedule_title": {"ja": "締結式・イベントの予定", "en": "Ceremonies and events"},
    "schedule_ceremonies": {"ja": "各市の締結式", "en": "Each city's signing ceremony"},
    "mark_ahead": {"ja": "⏳ 開催予定", "en": "⏳ Ahead"},
    "mark_held": {"ja": "✅ 開催されました", "en": "✅ Held"},
    "mark_past": {"ja": "📅 予定日を過ぎています", "en": "📅 Planned date passed"},
    "home_how": {"ja": "質問のしかた", "en": "How to ask"},
    "home_messages_tab": {
        "ja": "このアプリの「メッセージ」タブで質問を送信",
        "en": "Send a question in this app's Messages tab",
    },
    "home_mention": {
        "ja": "チャンネルで `@Renkei Bot` にメンション（スレッドに回答）",
        "en": "Mention `@Renkei Bot` in a channel (answered in the thread)",
    },
    "home_commands": {
        "ja": "`${command} 質問`、`${command} help`、`${command} list`",
        "en": "`${command} question`, `${command} help`, `${command} list`",
    },
    # The schedule as text (bot/reminders/schedule_view.py).
    "schedule_upcoming": {"ja": "今後の予定（${count}件）:", "en": "Ahead (${count}):"},
    "schedule_event": {"ja": "・${title} — ${when}（${countdown}）", "en": "- ${title} — ${when} (${countdown})"},
    "schedule_place": {"ja": "　場所: ${place}", "en": "  Place: ${place}"},
    "schedule_place_unknown": {"ja": "未定", "en": "to be decided"},
    "schedule_reminders": {"ja": "　リマインダー: ${times}", "en": "  Reminders: ${times}"},
    "schedule_reminder_time": {"ja": "${time}（${offset}）", "en": "${time} (${offset})"},
    "schedule_no_reminders": {
        "ja": "なし（送信時刻はすべて過ぎています）",
        "en": "none (every sending time has passed)",
    },
    "schedule_none": {
        "ja": "今後予定されている締結式・イベントはありません。",
        "en": "No ceremony or event is planned ahead.",
    },
    "schedule_last_held": {
        "ja": "いちばん最近の予定日は「${title}」（${when}、${place}）で、開催されました。",
        "en": "The latest was “${title}” (${when}, ${place}); it was held.",
    },
    "schedule_last_past": {
        "ja": "いちばん最近の予定日は「${title}」（${when}、${place}）で、その予定日を過ぎています。",
        "en": "The latest was “${title}” (${when}, ${place}); its planned date has passed.",
    },
    "offset_before": {"ja": "${offset}前", "en": "${offset} before"},
    "offset_joiner": {"ja": "", "en": " "},
    "offset_day": {"ja": "${count}日", "en": "${count} day"},
    "offset_days": {"ja": "${count}日", "en": "${count} days"},
    "offset_hour": {"ja": "${count}時間", "en": "${count} hour"},
    "offset_hours": {"ja": "${count}時間", "en": "${count} hours"},
    "offset_minute": {"ja": "${count}分", "en": "${count} minute"},
    "offset_minutes": {"ja": "${count}分", "en": "${count} minutes"},
    "offset_second": {"ja": "${count}秒", "en": "${count} second"},
    "offset_seconds": {"ja": "${count}秒", "en": "${count} seconds"},
    # remind list and the new-memorandum announcements.
    "remind_next_line": {"ja": "${time} — ${title}（${offset}）", "en": "${time} — ${title} (${offset})"},
    "nothing": {"ja": "なし", "en": "None"},
    "announcements_heading": {"ja": "新しい覚書のお知らせ", "en": "New memoranda announced"},
    "announce_sent": {"ja": "✅ 送信済み", "en": "✅ Sent"},
    "announce_unknown": {"ja": "❔ 送信結果不明", "en": "❔ Outcome unknown"},
    "announce_failed": {"ja": "⚠️ 送信できず", "en": "⚠️ Not sent"},
    "announce_claimed": {"ja": "⏳ 送信中", "en": "⏳ Sending"},
    "announce_pending": {"ja": "⏳ 送信待ち", "en": "⏳ Waiting"},
    "announce_correction": {"ja": "（訂正）", "en": " (correction)"},
    # The maintainers' report (its Japanese is the report as it always was).
    "report_title": {
        "ja": "Renkei Bot report — ${unanswered} unanswered, ${clarified} clarified, ${votes} votes",
        "en": "Renkei Bot report — ${unanswered} unanswered, ${clarified} clarified, ${votes} votes",
    },
    "report_unanswered": {
        "ja": "Unanswered questions (most frequent first)",
        "en": "Unanswered questions (most frequent first)",
    },
    "report_clarifications": {"ja": "Clarifications", "en": "Clarifications"},
    "report_options": {
        "ja": "Options chosen after a clarification",
        "en": "Options chosen after a clarification",
    },
    "report_option": {"ja": "- ${count}× 「${asked}」 → 「${picked}」", "en": "- ${count}× “${asked}” → “${picked}”"},
    "report_feedback": {"ja": "Feedback per topic", "en": "Feedback per topic"},
    "report_voted_down": {"ja": "Questions voted 👎", "en": "Questions voted 👎"},
    "report_none": {"ja": "(none)", "en": "(none)"},
    "report_no_topic": {"ja": "(no topic)", "en": "(no topic)"},
    "report_similar": {"ja": "（似た質問: ${others}）", "en": " (similar: ${others})"},
    "report_full": {
        "ja": "全体はサーバーで ${command} を実行すると表示されます。",
        "en": "The whole report: run ${command} on the server.",
    },
}
