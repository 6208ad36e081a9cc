"""The words of the ceremonies answers — same as, how many, in which order, which ones, how long —
and of the comparisons, in Japanese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # A listed item in plain text (bot.answering.answer.to_text): 「・」 is a Japanese mark.
    # Names listed in running text (the names are the documents'; the separator is the bot's).
    # Amounts: `_one` is the English singular (Japanese has one form).
    "amount_cities": {"ja": "${count}市", "en": "${count} cities"},
    "amount_cities_one": {"ja": "${count}市", "en": "${count} city"},
    "amount_people": {"ja": "${count}人", "en": "${count} people"},
    "amount_people_one": {"ja": "${count}人", "en": "${count} person"},
    "amount_ceremonies": {"ja": "${count}件", "en": "${count} signing ceremonies"},
    "amount_ceremonies_one": {"ja": "${count}件", "en": "${count} signing ceremony"},
    "amount_items": {"ja": "${count}つ", "en": "${count} items"},
    "amount_items_one": {"ja": "${count}つ", "en": "${count} item"},
    "amount_minutes": {"ja": "${count}分", "en": "${count} minutes"},
    "amount_minutes_one": {"ja": "${count}分", "en": "${count} minute"},
    # A ceremony's day, month and floor, as two ceremonies are said to share them.
    "weekday_0": {"ja": "月", "en": "Monday"},
    "weekday_1": {"ja": "火", "en": "Tuesday"},
    "weekday_2": {"ja": "水", "en": "Wednesday"},
    "weekday_3": {"ja": "木", "en": "Thursday"},
    "weekday_4": {"ja": "金", "en": "Friday"},
    "weekday_5": {"ja": "土", "en": "Saturday"},
    "weekday_6": {"ja": "日", "en": "Sunday"},
    "month_1": {"ja": "1月", "en": "January"},
    "month_2": {"ja": "2月", "en": "February"},
    "month_3": {"ja": "3月", "en": "March"},
    "month_4": {"ja": "4月", "en": "April"},
    "month_5": {"ja": "5月", "en": "May"},
    "month_6": {"ja": "6月", "en": "June"},
    "month_7": {"ja": "7月", "en": "July"},
    "month_8": {"ja": "8月", "en": "August"},
    "month_9": {"ja": "9月", "en": "September"},
    "month_10": {"ja": "10月", "en": "October"},
    "month_11": {"ja": "11月", "en": "November"},
    "month_12": {"ja": "12月", "en": "December"},
    "shared_weekday": {"ja": "${day}曜日", "en": "on a ${day}"},
    "shared_month": {"ja": "${month}", "en": "in ${month}"},
    "shared_floor": {"ja": "${floor}階", "en": "on floor ${floor}"},
    "shared_minutes": {"ja": "${minutes}", "en": "${minutes} long"},
    # Same as: 「同じ曜日にやったところはほかにある?」「室蘭と帯広の締結式は同じ曜日?」
    "same_as_none": {
        "ja": "いいえ、${owner}と同じ条件の締結式はほかにありません。",
        "en": "No, no other signing ceremony shares that with ${owner}.",
    },
    "same_as_some": {"ja": "はい、${names}です。", "en": "Yes: ${names}."},
    "same_for_both": {"ja": "はい、どちらも${value}です。", "en": "Yes, both are ${value}."},
    "differ_for_both": {
        "ja": "いいえ、${first}は${first_value}、${second}は${second_value}です。",
        "en": "No: ${first} is ${first_value}, ${second} is ${second_value}.",
    },
    # How many.
    "count_label_partners": {"ja": "覚書を締結した市", "en": "partner cities"},
    "count_label_ceremonies": {"ja": "締結式", "en": "signing ceremonies"},
    "count_label_contacts": {"ja": "お問い合わせ先の担当者", "en": "people in charge of the contact"},
    "count_label_of": {"ja": "${partner}の${topic}", "en": "${topic} of ${partner}"},
    "count_plain": {"ja": "${label}は${count}${counter}です。", "en": "${label}: ${count}."},
    "counter_ceremonies": {"ja": "件", "en": "signing ceremonies"},
    "counter_items": {"ja": "つ", "en": "items"},
    "count_names": {"ja": "${amount}です（${items}）。", "en": "${amount}: ${items}."},
    "count_names_of": {"ja": "${label}は${amount}です（${items}）。", "en": "${label}: ${amount} (${items})."},
    "count_none": {
        "ja": "${label}に当たるものは資料にありません。",
        "en": "The documents have no ${label} that fit the question.",
    },
    "count_none_any": {
        "ja": "条件に当たるものは資料にありません。",
        "en": "Nothing in the documents fits the question.",
    },
    "count_each_line": {"ja": "${partner} ${amount}", "en": "${partner}: ${amount}"},
    "count_each_same": {
        "ja": "${label}はいずれも${amount}です（合計${total}）。",
        "en": "${label}: ${amount} each (${total} in all).",
    },
    "count_each_total": {"ja": "${label}は合計${total}です（${each}）。", "en": "${label}: ${total} in all (${each})."},
    # In which order.
    "ordinal": {"ja": "${count}番目", "en": "${count}th"},
    "ordinal_1": {"ja": "${count}番目", "en": "${count}st"},
    "ordinal_2": {"ja": "${count}番目", "en": "${count}nd"},
    "ordinal_3": {"ja": "${count}番目", "en": "${count}rd"},
    "nth_ceremony": {
        "ja": "${ordinal}の締結式は${owner}です。",
        "en": "The ${ordinal} signing ceremony is the one with ${owner}.",
    },
    "nth_ceremony_from_last": {
        "ja": "${ordinal}の締結式は${owner}です。",
        "en": "The ${ordinal}-to-last signing ceremony is the one with ${owner}.",
    },
    "earlier_of_two": {
        "ja": "${owner}の締結式のほうが早いです。",
        "en": "The signing ceremony with ${owner} is the earlier one.",
    },
    "later_of_two": {
        "ja": "${owner}の締結式のほうが遅いです。",
        "en": "The signing ceremony with ${owner} is the later one.",
    },
    "next_ceremony": {
        "ja": "${reference}の次の締結式は${owner}です。",
        "en": "The signing ceremony after the one with ${reference} is the one with ${owner}.",
    },
    "previous_ceremony": {
        "ja": "${reference}の前の締結式は${owner}です。",
        "en": "The signing ceremony before the one with ${reference} is the one with ${owner}.",
    },
    "first_by_date": {
        "ja": "いちばん早い締結式は${owner}です。",
        "en": "The earliest signing ceremony is the one with ${owner}.",
    },
    "last_by_date": {
        "ja": "いちばん遅い締結式は${owner}です。",
        "en": "The last signing ceremony is the one with ${owner}.",
    },
    "first_by_start": {
        "ja": "開始時刻がいちばん早いのは${owner}です。",
        "en": "The signing ceremony that starts earliest in the day is the one with ${owner}.",
    },
    "last_by_start": {
        "ja": "開始時刻がいちばん遅いのは${owner}です。",
        "en": "The signing ceremony that starts latest in the day is the one with ${owner}.",
    },
    "first_by_end": {
        "ja": "終了時刻がいちばん早いのは${owner}です。",
        "en": "The signing ceremony that ends earliest in the day is the one with ${owner}.",
    },
    "last_by_end": {
        "ja": "終了時刻がいちばん遅いのは${owner}です。",
        "en": "The signing ceremony that ends latest in the day is the one with ${owner}.",
    },
    "first_by_duration": {
        "ja": "時間がいちばん早いのは${owner}です。",
        "en": "The shortest signing ceremony is the one with ${owner}.",
    },
    "last_by_duration": {
        "ja": "時間がいちばん遅いのは${owner}です。",
        "en": "The longest signing ceremony is the one with ${owner}.",
    },
    "none_after": {
        "ja": "資料には${owner}より後の締結式はありません。",
        "en": "The documents have no signing ceremony after the one with ${owner}.",
    },
    "none_before": {
        "ja": "資料には${owner}より前の締結式はありません。",
        "en": "The documents have no signing ceremony before the one with ${owner}.",
    },
    "none_after_that": {
        "ja": "資料にはその締結式より後の締結式はありません。",
        "en": "The documents have no signing ceremony after that one.",
    },
    "none_before_that": {
        "ja": "資料にはその締結式より前の締結式はありません。",
        "en": "The documents have no signing ceremony before that one.",
    },
    "latest_memorandum": {
        "ja": "${names}との覚書が資料にある最新のものです。",
        "en": "The memorandum with ${names} is the latest in the documents.",
    },
    "no_memorandum_fits": {
        "ja": "資料には当てはまる覚書がありません。",
        "en": "The documents have no memorandum that fits the question.",
    },
    # Which ones.
    "order_between": {
        "ja": "${verdict}${subject}の締結式（${when}）は${reference}（${other_when}）より${relation}です。",
        "en": "${verdict}The ${subject} ceremony (${when}) is ${relation} than the ${reference} one (${other_when}).",
    },
    "order_earlier": {"ja": "前", "en": "earlier"},
    "order_later": {"ja": "後", "en": "later"},
    "filter_none_in_year": {
        "ja": "${years}年の締結式は資料にありません。",
        "en": "The documents have no signing ceremony in ${years}.",
    },
    "filter_none": {
        "ja": "いいえ、当てはまる締結式は資料にありません。",
        "en": "No, no signing ceremony in the documents fits the question.",
    },
    "filter_all_label": {"ja": "資料にある締結式", "en": "The signing ceremonies in the documents"},
    "filter_some": {"ja": "${names}の締結式です。", "en": "The signing ceremonies with ${names}."},
    "filter_some_one": {"ja": "${names}の締結式です。", "en": "The signing ceremony with ${names}."},
    "held_at": {
        "ja": "${place}で行う締結式は${names}です。",
        "en": "Signing ceremonies held at ${place}: ${names}.",
    },
    "exists_some": {"ja": "はい。${names}の締結式です。", "en": "Yes: the signing ceremonies with ${names}."},
    "exists_some_one": {"ja": "はい。${names}の締結式です。", "en": "Yes: the signing ceremony with ${names}."},
    "exists_none": {
        "ja": "いいえ、資料にある締結式に当てはまるものはありません。",
        "en": "No, none of the signing ceremonies in the documents fits.",
    },
    "exists_minutes": {"ja": "（${minutes}）", "en": " (${minutes})"},
    # How long.
    "duration_line": {"ja": "${owner}: ${minutes}（${range}）", "en": "${owner}: ${minutes} (${range})"},
    "duration_one": {"ja": "${minutes}（${range}）です。", "en": "${minutes} (${range})."},
    "duration_all": {"ja": "いずれも${minutes}です。", "en": "Each takes ${minutes}."},
    "duration_label": {"ja": "締結式の時間", "en": "How long the signing ceremonies take"},
    # One fact of a ceremony, said in a sentence (the yes/no answers' lines).
    "ceremony_place_line": {
        "ja": "${owner}の締結式の場所は${place}です。",
        "en": "The signing ceremony with ${owner} is held at ${place}.",
    },
    "ceremony_minutes_line": {
        "ja": "${owner}の締結式は${minutes}間（${range}）です。",
        "en": "The signing ceremony with ${owner} takes ${minutes} (${range}).",
    },
    "ceremony_when_line": {
        "ja": "${owner}の締結式は${when}です。",
        "en": "The signing ceremony with ${owner} is on ${when}.",
    },
    # Comparisons.
    "compare_topic": {"ja": "${names}の${topic}の比較", "en": "The ${topic} of ${names}, compared"},
    "compare_partners": {"ja": "${names}の比較", "en": "${names}, compared"},
    "same_start": {"ja": "開始時刻は同じです。", "en": "They start at the same time."},
    "same_end": {"ja": "終了時刻は同じです。", "en": "They end at the same time."},
    "start_apart": {
        "ja": "開始時刻の差は${minutes}です（${first}と${second}）。",
        "en": "Their start times are ${minutes} apart (${first} and ${second}).",
    },
    "end_apart": {
        "ja": "終了時刻の差は${minutes}です（${first}と${second}）。",
        "en": "Their end times are ${minutes} apart (${first} and ${second}).",
    },
    "purposes_differ": {"ja": "覚書の趣旨の違い", "en": "How the memoranda's purposes differ"},
    "announced_on": {"ja": "${date}の発表 — ${title}", "en": "Announcement of ${date} — ${title}"},
    "summary_section": {"ja": "発表の概要", "en": "Summary of the announcement"},
    "nothing_common": {
        "ja": "${names}の${topic}に共通するものは資料にありません。",
        "en": "The documents show nothing common to the ${topic} of ${names}.",
    },
    "common_title": {"ja": "${names}に共通する${topic}", "en": "The ${topic} common to ${names}"},
    "common_section": {"ja": "共通（同じ、またはほぼ同じ記載）", "en": "In common (the same or nearly the same words)"},
}
