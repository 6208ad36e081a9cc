"""The words of the yes_no answers, in Japanese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # The verdict, and how it leads the statement that shows it.
    "yn_yes": {"ja": "はい", "en": "Yes"},
    "yn_attends_others": {
        "ja": "${person}は${events}の締結式にも出席します。",
        "en": "${person} attends the signing ceremonies of ${events} too.",
    },
    "yn_attends_no_other": {
        "ja": "${person}が出席する締結式はほかにありません。",
        "en": "${person} attends no other signing ceremony.",
    },
    "yn_no": {"ja": "いいえ", "en": "No"},
    "yn_verdict": {"ja": "${verdict}。${statement}", "en": "${verdict}. ${statement}"},
    # Whether what answers it comes from the announcement itself (「公式発表に載ってる?」).
    "yn_from_report": {
        "ja": "いいえ。発表資料ではなく${reports}による内容です。",
        "en": "No. This comes from ${reports}, not from the announcement itself. ",
    },
    # A ceremony against a condition (「室蘭の式は金曜?」).
    # Whether it is done (「もう締結済み?」).
    "yn_done_held": {
        "ja": "はい。締結式が行われたことが資料に記録されています。",
        "en": "Yes. The documents record that the signing ceremony was held.",
    },
    "yn_done_ahead": {
        "ja": "いいえ。${date}の時点では、締結式はまだ予定の段階です。",
        "en": "No. As of ${date}, the signing ceremony is still only planned.",
    },
    "yn_done_unknown": {
        "ja": "締結式の予定日は過ぎていますが、開催されたかどうかは資料に記載がありません。",
        "en": "The planned date of the signing ceremony has passed, but the documents do not say whether it was held.",
    },
    "yn_done_label": {"ja": "締結式の予定", "en": "Planned signing ceremony"},
    "yn_plan_pending": {
        "ja": "いいえ。資料の時点では「${text}」と書かれています。",
        "en": "No. At the time of the documents, they say: “${text}”.",
    },
    # Each partner named (「旭川と帯広、どちらも〜?」).
    "yn_each_yes": {"ja": "はい、いずれにも記載があります。", "en": "Yes, the documents say so for each of them."},
    "yn_each_no": {
        "ja": "いいえ、${names}については資料に記載がありません。",
        "en": "No, the documents do not say so for ${names}.",
    },
    # A value claimed (「帯広の会場は3号会議室?」).
    "yn_value": {"ja": "${owner}の${label}は${text}です。", "en": "The ${label} of ${owner} is ${text}."},
    "yn_value_whose": {"ja": "「${claim}」は${owner}の${label}です。", "en": "“${claim}” is the ${label} of ${owner}."},
    # Whose the subject is (「CASEって旭川のプロジェクト?」).
    "yn_owner_yes": {"ja": "はい、${name}です。", "en": "Yes, ${name}."},
    "yn_owner_no": {"ja": "いいえ、${claimed}ではなく${name}です。", "en": "No, not ${claimed} but ${name}."},
    # A person claimed at a ceremony (「北見の式に辻市長は出る?」).
    "yn_person": {"ja": "${verdict}。${person}です。", "en": "${verdict}. ${person}."},
    "yn_position": {
        "ja": "${owner}の締結式は${count}件中${rank}番目（${when}）です。",
        "en": "The signing ceremony with ${owner} is number ${rank} of ${count} in order (${when}).",
    },
}
