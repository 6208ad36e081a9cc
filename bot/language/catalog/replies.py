"""The replies of commands, help, refusals and the console, in Japanese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # Refusals and failures, every platform.
    "apology": {
        "ja": "申し訳ありません。回答の作成中にエラーが発生しました。時間をおいてもう一度お試しください。",
        "en": "Sorry, something went wrong while making the answer. Please try again in a moment.",
    },
    "admins_only": {"ja": "この操作は管理者のみ実行できます。", "en": "Only admins can do this."},
    "no_database": {
        "ja": "この機能はデータベースが設定されていないため使えません。",
        "en": "This needs the database, and none is configured (DATABASE_URL).",
    },
    "no_reminder_target": {
        "ja": "ここではリマインダーを受け取れません（Slack のチャンネルや Teams の会話で設定してください）。",
        "en": "Reminders cannot be delivered here: turn them on in a Slack channel or a Teams conversation.",
    },
    "no_reload": {"ja": "このプロセスでは再読み込みできません。", "en": "This process cannot reload the data."},
    "too_long": {
        "ja": "ご質問が長すぎます（${length}文字）。${limit}文字以内で、知りたいことを短くお書きください。",
        "en": "Your question is too long (${length} characters). Please ask in at most ${limit} characters.",
    },
    "thanks": {
        "ja": "フィードバックありがとうございます。今後の改善に役立てます。",
        "en": "Thank you for the feedback: it helps us improve the answers.",
    },
    # Help, on every platform.
    "help_title": {"ja": "${bot}の使い方", "en": "How to use ${bot}"},
    "help_topics": {"ja": "答えられること", "en": "What it answers"},
    "help_examples": {"ja": "質問の例", "en": "Examples"},
    "help_usage": {"ja": "使い方", "en": "How to ask"},
    "help_commands": {"ja": "コマンド", "en": "Commands"},
    "intro_one": {
        "ja": "${issuer}と${names}の覚書（${date}発表）について答えます。",
        "en": "Answers questions about the memoranda of ${issuer} with ${names} (announced ${date}).",
    },
    "intro_many": {
        "ja": "${issuer}と${names}の覚書（${first}から${last}までの発表${count}件）について答えます。",
        "en": "Answers questions about the memoranda of ${issuer} with ${names} (${count} announcements, "
              "${first} to ${last}).",
    },
    "names_more": {"ja": "${shown} ほか${more}市", "en": "${shown} and ${more} more"},
    "example_cooperation": {"ja": "${city}の連携事項は?", "en": "What are ${city}'s cooperation items?"},
    "example_ceremony": {"ja": "${city}の締結式はいつ?", "en": "When is ${city}'s signing ceremony?"},
    "example_projects": {"ja": "${city}のプロジェクトは?", "en": "What are ${city}'s projects?"},
    "example_themes": {"ja": "各市のテーマ", "en": "Themes of every city"},
    "example_contact": {"ja": "問い合わせ先は?", "en": "Who is the contact?"},
    # The commands' descriptions (help, the README's table is the Japanese one).
    "command_help": {"ja": "使い方と質問の例", "en": "how to use it, with example questions"},
    "command_list": {"ja": "覚書を締結した市とテーマの一覧", "en": "the partner cities and their themes"},
    "command_schedule": {
        "ja": "今後の締結式・イベントとリマインダーの予定",
        "en": "upcoming ceremonies and events, and their reminders",
    },
    "command_remind": {
        "ja": "この会話・チャンネルで締結式・イベントのリマインダーを受け取る（on / off / list）",
        "en": "reminders of ceremonies and events in this conversation or channel (on / off / list)",
    },
    "command_report": {
        "ja": "答えられなかった質問・聞き返し・フィードバックの集計（管理者のみ）",
        "en": "unanswered questions, clarifications and feedback (admins only)",
    },
    "command_reload": {
        "ja": "知識ベース（YAML）を再読み込みしてリマインダーを組み直す（管理者のみ）",
        "en": "reload the knowledge base (YAML) and replan the reminders (admins only)",
    },
    # remind and reload.
    "remind_title": {"ja": "締結式・イベントのリマインダー", "en": "Reminders of ceremonies and events"},
    "remind_usage": {"ja": "使い方: ", "en": "Usage: "},
    "remind_usage_on": {"ja": "（この${place}で受け取る）、", "en": " (receive them here), "},
    "remind_usage_off": {"ja": "（やめる）、", "en": " (stop), "},
    "remind_usage_list": {"ja": "（状況と予定）", "en": " (status and schedule)"},
    "remind_already_on": {"ja": "この${place}はすでにリマインダーを受け取る設定です。",
                          "en": "Reminders are already on here."},
    "remind_turned_on": {"ja": " さんがこの${place}で締結式・イベントのリマインダーを有効にしました。",
                         "en": " turned on reminders of ceremonies and events here."},
    "remind_configured": {"ja": "この${place}は REMINDER_CHANNELS で設定されています。停止は管理者に依頼してください。",
                          "en": "This one is in REMINDER_CHANNELS: ask an admin to stop them."},
    "remind_not_on": {"ja": "この${place}はリマインダーを受け取る設定になっていません。",
                      "en": "Reminders are not on here."},
    "remind_turned_off": {"ja": " さんがこの${place}のリマインダーを停止しました。",
                          "en": " turned reminders off here."},
    "remind_still_configured": {
        "ja": "（REMINDER_CHANNELS に含まれているため、設定を変えるまでは引き続き届きます。）",
        "en": "(It is in REMINDER_CHANNELS, so they keep coming until that setting changes.)",
    },
    "remind_on_by": {"ja": "✅ 有効（", "en": "✅ On ("},
    "remind_on_since": {"ja": " さんが ${since} に設定）", "en": " since ${since})"},
    "remind_on_configured": {"ja": "✅ 有効（REMINDER_CHANNELS で設定）", "en": "✅ On (REMINDER_CHANNELS)"},
    "remind_off_state": {"ja": "❌ 無効（", "en": "❌ Off ("},
    "remind_off_hint": {"ja": " で有効にできます）", "en": " turns them on)"},
    "remind_here": {"ja": "この${place}のリマインダー", "en": "Reminders here"},
    "remind_none": {"ja": "なし（今後の締結式・イベントがありません）", "en": "None (no ceremony or event ahead)"},
    "remind_next": {"ja": "次のリマインダー", "en": "Next reminders"},
    "remind_failed": {"ja": "送信できなかったリマインダー", "en": "Reminders that could not be posted"},
    "reload_rejected": {"ja": "読み込めませんでした。以前の内容のまま動いています。",
                        "en": "The file was rejected; the last good data keeps serving."},
    "reload_done": {"ja": "再読み込みしました: ${summary}", "en": "Reloaded: ${summary}"},
    # The console.
    "console_greeting": {"ja": "「help」で使い方、「exit」で終了します。", "en": "Type help for help, exit to quit."},
    "console_usage": {"ja": "番号（選択肢を選ぶ）、exit（終了）", "en": "a number (picks a choice), exit (quits)"},
    "console_bye": {"ja": "終了します。", "en": "Bye."},
    "console_ctrl_c_again": {"ja": "（もう一度 Ctrl-C で終了します）", "en": "(Ctrl-C again to quit)"},
    "console_interrupted": {"ja": "（中断しました）", "en": "(interrupted)"},
    # Slack's and Teams' help: how to ask on each.
    "slack_usage_mention": {"ja": "メンション: `${mention}`（スレッドに回答）",
                            "en": "Mention: `${mention}` (answered in the thread)"},
    "slack_usage_dm": {"ja": "ダイレクトメッセージ: 質問をそのまま送信",
                       "en": "Direct message: just send the question"},
    "slack_usage_command": {"ja": "`${command} 質問`: 自分だけに表示（「${share}」で全員に表示）",
                            "en": "`${command} question`: only you see it (「${share}」 shows it to everyone)"},
    "teams_usage_personal": {"ja": "個人チャット: 質問をそのまま送信", "en": "Personal chat: just send the question"},
    "teams_usage_channel": {"ja": "チャネル・グループチャット: 「@Renkei Bot ${example}」のようにメンションして質問",
                            "en": "Channels and group chats: mention the bot, e.g. 「@Renkei Bot ${example}」"},
}
