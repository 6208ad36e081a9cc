"""The words of the claims answers, in Japanese and English."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # 「〜だけ?」: only the partners named.
    "claim_only_yes": {"ja": "はい。当てはまるのは${names}だけです。", "en": "Yes. It holds only for ${names}."},
    "claim_also": {"ja": "いいえ。${names}も当てはまります。", "en": "No. It also holds for ${names}."},
    "claim_not_met": {"ja": "いいえ。${names}は当てはまりません。", "en": "No. It does not hold for ${names}."},
    # 「全部〜?」: every partner in scope.
    "claim_every_yes": {
        "ja": "はい。${names}のすべてが当てはまります。",
        "en": "Yes. It holds for all of them: ${names}.",
    },
    # 「〜以外に〜はある?」「〜ない市はある?」: the others that hold it.
    "claim_outside_yes": {"ja": "はい。${names}が当てはまります。", "en": "Yes. It holds for ${names}."},
    "claim_outside_list": {"ja": "${names}が当てはまります。", "en": "It holds for ${names}."},
    "claim_outside_none": {"ja": "いいえ。当てはまる市はほかにありません。", "en": "No. It holds for no other city."},
    # 「覚書は3市だけ?」: how many hold it.
    "claim_count": {
        "ja": "${verdict}。${count}市です（${names}）。",
        "en": "${verdict}. It holds for ${count}: ${names}.",
    },
    # 「北見の戦略は雇用を創出するだけ?」: the text says more.
    "claim_items_all_yes": {
        "ja": "はい。${owner}の${label}は、いずれも「${claim}」に当たります。",
        "en": "Yes. Every item of the ${label} of ${owner} is “${claim}”.",
    },
    "claim_items_all_no": {
        "ja": "いいえ。${owner}の${label}のうち、次のものは「${claim}」に当たりません。",
        "en": "No. These items of the ${label} of ${owner} are not “${claim}”:",
    },
    "claim_items_only_yes": {
        "ja": "はい。${owner}の${label}は、いずれも「${claim}」に当たります。",
        "en": "Yes. Every item of the ${label} of ${owner} is “${claim}”.",
    },
    "claim_items_only_no": {
        "ja": "いいえ。${owner}の${label}には、「${claim}」のほかに次のものがあります。",
        "en": "No. The ${label} of ${owner} also has more than “${claim}”:",
    },
    "claim_says_more": {
        "ja": "いいえ。${owner}の記載にはこうあります。",
        "en": "No. This is what the documents say of ${owner}.",
    },
    # One line per partner.
    "claim_line": {"ja": "${name}: ${shown}", "en": "${name}: ${shown}"},
    "claim_not_stated": {"ja": "記載なし", "en": "not stated in the documents"},
    "claim_no_ceremony": {"ja": "締結式の記載なし", "en": "the documents mention no signing ceremony"},
    "claim_attendee": {"ja": "${role} ${name}", "en": "${role} ${name}"},
    "claim_announced": {"ja": "${date}発表「${title}」", "en": "“${title}”, announced ${date}"},
    "claim_announced_on": {"ja": "${year}年${month}月${day}日", "en": "${year}-${month}-${day}"},
}
